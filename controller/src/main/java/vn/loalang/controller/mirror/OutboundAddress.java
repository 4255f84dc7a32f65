package vn.loalang.controller.mirror;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Whether the controller may send to an address an administrator typed (a webhook, a price feed): not to itself nor
 * to this machine's other services (Icecast's callbacks trust the loopback), not to link-local addresses (a cloud's
 * metadata service). {@code --mirror-allow-local} lifts the rule for tests and for a gateway on the same machine.
 * The name is resolved when the message is sent; a name that resolves differently a moment later (DNS rebinding) is
 * a known limit, written in docs/security.md.
 */
public final class OutboundAddress {
    private OutboundAddress() {
    }

    /**
     * Why {@code url} is refused, in Vietnamese then English; empty when it may be used. The address itself is
     * checked as the settings checked it ({@link OutboundUrls}); then, unless {@code allowLocal}, every address its
     * host name resolves to now (a name kept as allowed may point at this machine today).
     */
    public static Optional<String> refusal(URI url, boolean allowLocal) {
        try {
            OutboundUrls.check(url == null ? null : url.toString(), allowLocal);
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
        if (allowLocal) {
            return Optional.empty();
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(url.getHost())) {
                if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress() || a.isMulticastAddress()) {
                    return Optional.of("không gửi tới địa chỉ nội bộ của máy / refused: " + url.getHost() + " is "
                            + a.getHostAddress() + " (loopback or link-local; --mirror-allow-local allows it)");
                }
            }
        } catch (UnknownHostException e) {
            // Not refused for this: the send fails and is retried, as a name that does not resolve today may tomorrow.
            return Optional.empty();
        }
        return Optional.empty();
    }
}
