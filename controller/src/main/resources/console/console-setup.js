"use strict";
// First start: the wizard that sets up the commune and its first station (issue 18)
