/** One {@link vn.loalang.controller.mirror.Channel} per outside service, each speaking that service's documented API. */
package vn.loalang.controller.mirror.channel;
