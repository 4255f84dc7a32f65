"use strict";
// Issue 19, WP1: the public "Nghe lại" settings page (PAGES.nghelai): what is public, the addresses to say aloud.
