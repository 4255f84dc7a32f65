"use strict";
// Issue 19, WP6: reach (PAGES.reach): per village and session, loudspeakers, listens, feeds, chat and SMS.
