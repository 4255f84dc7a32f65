package vn.loalang.provisioning.tls;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.protocol.files.AtomicFiles;
import vn.loalang.provisioning.Command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The controller's HTTPS certificate, issued by the commune CA at {@code provision init}, in
 * {@code dir} (default {@code /etc/loalang/tls}): {@code controller.pem}, {@code controller.key}
 * (root's, readable by the controller's group only) and {@code ca.pem}, the CA certificate that
 * browsers, the command-line tools and anyone else install to trust it. Run again, it issues a new
 * certificate that keeps every name the last one had: bookmarks and installed trust keep working.
 *
 * @param dir        where the controller reads its certificate ({@code --tls-cert}, {@code --tls-key})
 * @param hosts      the names and addresses people type to reach the console; 127.0.0.1 and localhost are added
 * @param systemUser the controller's system user ({@code loalang}); its primary group reads the key
 */
public record WebCertificate(Path dir, List<String> hosts, String systemUser) {
    /**
     * Where {@code provision init} writes the console's certificate and key and the commune CA's
     * certificate, and where the controller and the tools look for them unless told otherwise.
     */
    public static final Path DEFAULT_DIR = Path.of("/etc/loalang/tls");

    public static final String CERT = "controller.pem";
    public static final String KEY = "controller.key";
    private static final Logger log = LoggerFactory.getLogger(WebCertificate.class);

    public WebCertificate {
        if (hosts == null || hosts.isEmpty()) {
            throw new IllegalArgumentException("the console's certificate needs the address people reach this server at,"
                    + " e.g. --web-hosts 192.168.1.10 (several, comma-separated)");
        }
        Set<String> all = new LinkedHashSet<>(hosts);
        // The command-line tools on the server itself, and a browser there.
        all.add("127.0.0.1");
        all.add("localhost");
        hosts = List.copyOf(all);
        systemUser = systemUser == null ? "loalang" : systemUser;
    }

    /** Issues and writes the certificate; returns the names it carries. */
    public List<String> apply(CertificateAuthority ca) throws IOException {
        Set<String> names = new LinkedHashSet<>(hosts);
        names.addAll(namesBefore());
        CertificateAuthority.Issued issued = ca.issueServer(List.copyOf(names));
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        AtomicFiles.writePrivate(dir.resolve(CertificateAuthority.CA_CERT), ca.certificatePem(), "rw-r--r--");
        AtomicFiles.writePrivate(dir.resolve(CERT), issued.certificatePem(), "rw-r--r--");
        AtomicFiles.writePrivate(dir.resolve(KEY), issued.privateKeyPem(), "rw-r-----");
        handKeyToController();
        return List.copyOf(names);
    }

    /** The names of the certificate written last time: people and pages already reach the console by them. */
    private List<String> namesBefore() throws IOException {
        Path before = dir.resolve(CERT);
        if (!Files.isRegularFile(before)) {
            return List.of();
        }
        X509Certificate cert;
        try {
            cert = CertificateAuthority.parseCertificate(Files.readString(before));
        } catch (IOException e) {
            log.warn("The console's certificate {} does not read ({}); the new one carries only the names given now",
                    before, e.getMessage());
            return List.of();
        }
        try {
            Collection<List<?>> names = cert.getSubjectAlternativeNames();
            return names == null ? List.of() : names.stream()
                    .filter(n -> n.size() == 2 && (Integer.valueOf(2).equals(n.get(0)) || Integer.valueOf(7).equals(n.get(0))))
                    .map(n -> String.valueOf(n.get(1))).toList();
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }

    /** Group of the key: the controller's user's primary group. Root keeps it where there is no such user. */
    private void handKeyToController() throws IOException {
        String group;
        try {
            group = Command.run(Duration.ofSeconds(10), List.of("id", "-gn", systemUser));
        } catch (IOException e) {
            log.warn("There is no user {} on this machine: {} stays readable by root only", systemUser, dir.resolve(KEY));
            return;
        }
        try {
            GroupPrincipal principal = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
            Files.getFileAttributeView(dir.resolve(KEY), PosixFileAttributeView.class).setGroup(principal);
        } catch (UserPrincipalNotFoundException e) {
            log.warn("There is no group {} on this machine: {} stays readable by root only", group, dir.resolve(KEY));
        }
    }
}
