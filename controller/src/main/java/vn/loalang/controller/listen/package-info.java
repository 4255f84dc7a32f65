/**
 * Issue 19, "Nghe lại": what anyone may hear again without logging in (the public page, the podcast and JSON feeds
 * per village), and how often it was heard, counted without knowing who. Decision 0041.
 */
package vn.loalang.controller.listen;
