"use strict";
// Issue 19, WP4: the market-prices bulletin (PAGES.bulletin): the price table, its text and reading, a preview.
