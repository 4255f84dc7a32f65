package vn.loalang.controller.mirror;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The check of an address an administrator types for the controller to call (a webhook, an SMS gateway phone, a
 * service's API base), before it is kept: http or https, a host, no password in the address (that is a secret's
 * place), and never this machine or a link-local address (plan 19 §7.7, server-side request forgery): the
 * controller's own ports trust loopback (Icecast's callbacks), and 169.254.169.254 answers cloud metadata.
 * Private LAN addresses stay allowed: the Android gateway is a phone on the office network. {@code allowLocal}
 * (option {@code --mirror-allow-local}) lifts the refusal for tests and a gateway on the same machine.
 * A host name is checked by its name only here, without a DNS query (an office without Internet would wait on it);
 * the sender checks the address it connects to.
 */
public final class OutboundUrls {
    private static final int MAX_LENGTH = 2000;
    private static final Pattern NUMERIC_HOST = Pattern.compile("[0-9.]+|0[xX][0-9a-fA-F.xX]+");

    private OutboundUrls() {
    }

    /** The address as a URI; an {@link IllegalArgumentException} saying why it is refused otherwise. */
    public static URI check(String typed, boolean allowLocal) {
        if (typed == null || typed.isBlank()) {
            throw new IllegalArgumentException("Chưa nhập địa chỉ / the address is missing");
        }
        if (typed.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("Địa chỉ quá dài / the address is longer than " + MAX_LENGTH
                    + " characters");
        }
        URI uri;
        try {
            uri = new URI(typed.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Địa chỉ không hợp lệ / not a valid address: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException("Địa chỉ phải bắt đầu bằng https:// hoặc http:// / the address must be"
                    + " http or https");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new IllegalArgumentException("Địa chỉ thiếu tên máy / the address has no host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("Không ghi mật khẩu trong địa chỉ, hãy đặt ở mục bí mật / no user or"
                    + " password in the address: set them as the channel's secret");
        }
        if (!allowLocal && local(uri.getHost())) {
            throw new IllegalArgumentException("Không được gọi chính máy chủ hoặc địa chỉ link-local (" + uri.getHost()
                    + ") / the controller may not call itself or a link-local address (start it with"
                    + " --mirror-allow-local true to allow)");
        }
        return uri;
    }

    /** Loopback, any-local, link-local or multicast, by name or literal address. */
    static boolean local(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.equals("localhost") || h.endsWith(".localhost") || h.equals("localhost.localdomain")) {
            return true;
        }
        boolean literal = h.contains(":") || NUMERIC_HOST.matcher(h).matches();
        if (!literal) {
            return false;
        }
        try {
            // A literal (IPv4 in any of its numeric forms, or IPv6) is parsed without a DNS query.
            InetAddress a = InetAddress.getByName(h);
            return a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isMulticastAddress();
        } catch (UnknownHostException e) {
            return true; // a number that is no address: refuse rather than guess
        }
    }
}
