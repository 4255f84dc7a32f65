"use strict";
// The calendar's exceptions: one-off sessions, cancellations, session times and weekdays (issue 18)
