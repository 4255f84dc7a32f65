package vn.loalang.controller.cli;

import vn.loalang.provisioning.tls.WebCertificate;
import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionType;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * The login options every tool that works through the controller's API shares ({@code alert},
 * {@code station}, {@code provision station|rotate|revoke}): where the controller is, who logs in, and
 * what an HTTPS controller is trusted by. Read into an {@link ApiSession.Target}; listed in each tool's
 * {@code --help} and in docs/configuration.md from here.
 */
public final class SessionOptions {
    private SessionOptions() {
    }

    /** Where 'provision init' leaves a copy of the commune CA's certificate, readable by everyone. */
    static final Path DEFAULT_CA = WebCertificate.DEFAULT_DIR.resolve("ca.pem");

    public static final Option<String> USER = Option.of("user", OptionType.text("NAME"), "your user name on the controller")
            .required().example("ky.thuat")
            .help("Your own account on the controller: the tool has its rights, and the audit log names it.");
    public static final Option<URI> URL = Option.of("url", OptionType.uri("http", "https"), "the controller's address")
            .byDefault(URI.create("http://127.0.0.1:8080"))
            .help("The controller's API; an HTTPS one, e.g. https://192.168.1.10:8443, is trusted by --ca.");
    public static final Option<Path> CA = Option.of("ca", OptionType.path("FILE"), "the CA certificate to trust")
            .defaultInWords(DEFAULT_CA + " when it exists, else the JDK's public authorities")
            .help("The certificate authority an https:// --url is trusted by: the commune CA that provision init made.");
    public static final Option<Path> PASSWORD_FILE = Option.of("password-file", OptionType.path("FILE"),
                    "the file of your password")
            .help("Read the password from FILE (never from the command line: it would show in ps); else from "
                    + "LOALANG_PASSWORD, else it is asked for (sudo clears the environment: use this file, or "
                    + "sudo LOALANG_PASSWORD=… java …).");

    /** The login options, in the order {@code --help} and the docs list them. */
    public static final List<Option<?>> ALL = List.of(USER, URL, CA, PASSWORD_FILE);
}
