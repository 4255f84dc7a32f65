"use strict";
// Uploads with progress, and the working() state for long work (issue 18)
