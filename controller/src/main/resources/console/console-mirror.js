"use strict";
// Issue 19, WP2: the chat and SMS mirror (PAGES.channels): channels, each village's targets, the delivery log.
