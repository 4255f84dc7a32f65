"use strict";
// Charts with time and value axes, a read-out, and the day's sessions marked (issue 18)
