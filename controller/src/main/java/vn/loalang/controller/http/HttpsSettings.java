package vn.loalang.controller.http;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The controller's HTTPS listener: on the HTTP host, at {@code port}, with a PEM certificate chain
 * (the server's certificate first, then any intermediates) and its PEM PKCS#8 private key. By default
 * the files {@code provision init} writes, issued by the commune's CA; an administrator may give a
 * certificate of their own in the same form.
 *
 * @param port             the HTTPS port (0: any free port, for tests)
 * @param certificateChain e.g. {@code /etc/loalang/tls/controller.pem}
 * @param privateKey       e.g. {@code /etc/loalang/tls/controller.key} ({@code -----BEGIN PRIVATE KEY-----})
 */
public record HttpsSettings(int port, Path certificateChain, Path privateKey) {
    /** A year: what browsers' preload rules ask for; not for subdomains, which may be other people's servers. */
    public static final long HSTS_MAX_AGE_SECONDS = 365L * 24 * 3600;

    public HttpsSettings {
        Objects.requireNonNull(certificateChain, "certificateChain");
        Objects.requireNonNull(privateKey, "privateKey");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--https-port must be between 0 and 65535, not " + port);
        }
    }
}
