/**
 * Issue 19, bulletins from data: the market-prices bulletin written each morning from the agriculture officer's
 * price table, read the Vietnamese way, spoken, levelled and put into the morning session and the mirror.
 */
package vn.loalang.controller.bulletin;
