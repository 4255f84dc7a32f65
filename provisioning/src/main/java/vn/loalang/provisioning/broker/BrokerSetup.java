package vn.loalang.provisioning.broker;

import vn.loalang.protocol.files.AtomicFiles;
import com.fasterxml.jackson.databind.node.ObjectNode;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.Topics;
import vn.loalang.provisioning.tls.CertificateAuthority;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The commune server's broker, locked down once ({@code provision init}): the CA and the broker's
 * certificate, the controller's own account, Mosquitto's listener config, and the first
 * {@code passwd} and {@code acl} (the controller alone; it adds stations as they are enrolled).
 * Run again, it keeps the CA and the controller's password and renews the broker certificate, so
 * enrolled stations keep working.
 *
 * @param provisioningDir root-only: the CA key and this set-up's record ({@code provision.json})
 * @param mosquittoDir    what Mosquitto reads: the certificates and key (root's), and {@code accounts/} with
 *                        passwd and acl (the controller's to rewrite, group mosquitto)
 * @param mosquittoConf   the listener config, e.g. {@code /etc/mosquitto/conf.d/loalang.conf}
 * @param hosts           the names and addresses stations reach the broker by (the first goes in bundles)
 * @param listen          the address to listen on, or null for every interface
 * @param controllerPasswordFile the controller's broker password, read by the controller at start
 * @param systemUser      the system user the controller runs as ({@code loalang}): it reads its password file
 *                        and rewrites passwd and acl as stations come and go; ignored where no such user exists
 */
public record BrokerSetup(Path provisioningDir, Path mosquittoDir, Path mosquittoConf, List<String> hosts, int port,
                          String listen, String controllerUser, Path controllerPasswordFile, String topicRoot,
                          String communeName, String systemUser) {
    public static final String RECORD = "provision.json";
    public static final String SERVER_CERT = "server.pem";
    public static final String SERVER_KEY = "server.key";
    /** The controller's directory for passwd and acl, inside the broker's. */
    public static final String ACCOUNTS = "accounts";
    static final int MAX_PACKET_BYTES = 1024 * 1024;
    /** What an unset part is (null, or port 0); {@code provision init --help} shows these. */
    public static final int DEFAULT_PORT = 8883;
    public static final String DEFAULT_CONTROLLER_USER = "controller";
    public static final String DEFAULT_COMMUNE_NAME = "commune";
    public static final String DEFAULT_SYSTEM_USER = "loalang";

    /** What {@code init} left for the later commands: where stations connect and what they trust. */
    public record Record(String stationBrokerUrl, String topicRoot, Path caFile, String controllerUser,
                         List<String> brokerHosts) {
        public Record {
            brokerHosts = brokerHosts == null ? List.of() : List.copyOf(brokerHosts);
        }

        public static Record read(Path provisioningDir) throws IOException {
            Path file = provisioningDir.resolve(RECORD);
            if (Files.notExists(file)) {
                throw new IOException("the broker is not set up in " + provisioningDir + ": run 'provision init' first");
            }
            if (!Files.isReadable(file)) {
                throw new IOException(file + " is root's alone: run the command with sudo");
            }
            try {
                return Json.read(Files.readAllBytes(file), Record.class);
            } catch (vn.loalang.protocol.MalformedMessageException e) {
                throw new IOException(file + " is damaged: " + e.getMessage() + "; run 'provision init' again", e);
            }
        }
    }

    public BrokerSetup {
        if (hosts == null || hosts.isEmpty()) {
            throw new IllegalArgumentException("--broker-hosts is required: the address stations reach this server at, "
                    + "e.g. 192.168.1.10 (several, comma-separated)");
        }
        Set<String> all = new LinkedHashSet<>(hosts);
        // The controller on the same machine connects by the loopback address, through the same TLS listener.
        all.add("127.0.0.1");
        hosts = List.copyOf(all);
        controllerUser = controllerUser == null ? DEFAULT_CONTROLLER_USER : controllerUser;
        topicRoot = topicRoot == null ? Topics.DEFAULT_ROOT : topicRoot;
        communeName = communeName == null ? DEFAULT_COMMUNE_NAME : communeName;
        systemUser = systemUser == null ? DEFAULT_SYSTEM_USER : systemUser;
        port = port == 0 ? DEFAULT_PORT : port;
    }

    /** Where the controller keeps the stations' accounts: a directory of its own inside the broker's. */
    public Path accountsDir() {
        return mosquittoDir.resolve(ACCOUNTS);
    }

    /** Does it all; returns what later commands need. */
    public Record apply() throws IOException {
        Files.createDirectories(provisioningDir);
        restrict(provisioningDir, "rwx------");
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(provisioningDir, communeName);
        // Names given before stay in the certificate: Pis already installed reach the broker by them.
        Set<String> names = new LinkedHashSet<>(hosts);
        if (Files.exists(provisioningDir.resolve(RECORD))) {
            names.addAll(Record.read(provisioningDir).brokerHosts());
        }
        CertificateAuthority.Issued server = ca.issueServer(List.copyOf(names));
        Files.createDirectories(mosquittoDir);
        restrict(mosquittoDir, "rwxr-xr-x");
        // The controller reads the CA to trust the broker; the broker reads its key. Both stay root's to change.
        AtomicFiles.writePrivate(mosquittoDir.resolve(CertificateAuthority.CA_CERT), ca.certificatePem(), "rw-r--r--");
        AtomicFiles.writePrivate(mosquittoDir.resolve(SERVER_CERT), server.certificatePem(), "rw-r--r--");
        AtomicFiles.writePrivate(mosquittoDir.resolve(SERVER_KEY), server.privateKeyPem(), "rw-r-----");

        String password = existingPassword().orElseGet(MosquittoPassword::newSecret);
        AtomicFiles.writePrivate(controllerPasswordFile, password + "\n", "rw-r-----");
        MosquittoFiles files = new MosquittoFiles(accountsDir(), new Topics(topicRoot));
        if (!Files.exists(files.passwordFile())) {
            files.write(List.of(BrokerAccount.controller(controllerUser, MosquittoPassword.hash(password))));
        }
        AtomicFiles.writePrivate(mosquittoConf, config(files), "rw-r--r--");
        Ownership.handOver(mosquittoDir, accountsDir(), controllerPasswordFile, systemUser);

        Record record = new Record("ssl://" + hostForStations() + ":" + port, topicRoot,
                provisioningDir.resolve(CertificateAuthority.CA_CERT), controllerUser, List.copyOf(names));
        ObjectNode json = Json.mapper().valueToTree(record);
        AtomicFiles.writePrivate(provisioningDir.resolve(RECORD),
                Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n", "rw-------");
        return record;
    }

    private String hostForStations() {
        String h = hosts.get(0);
        return h.contains(":") ? "[" + h + "]" : h;
    }

    private Optional<String> existingPassword() throws IOException {
        if (!Files.exists(controllerPasswordFile)) {
            return Optional.empty();
        }
        String p = Files.readString(controllerPasswordFile).strip();
        return p.isEmpty() ? Optional.empty() : Optional.of(p);
    }

    /** Mosquitto's listener: TLS only, no anonymous clients, the files above. No plain port at all. */
    String config(MosquittoFiles files) {
        List<String> lines = new ArrayList<>(List.of(
                "# Loa Làng broker, written by 'provision init': TLS only, every client by name and password.",
                "# Run 'provision init' again rather than editing this file.",
                "per_listener_settings false",
                "allow_anonymous false",
                "password_file " + files.passwordFile().toAbsolutePath(),
                "acl_file " + files.aclFile().toAbsolutePath(),
                "# A week's schedule for a station is tens of kilobytes; nobody needs more than 1 MiB in one message,",
                "# and a stolen station's password must not let it fill the broker's memory with one.",
                "max_packet_size " + MAX_PACKET_BYTES,
                "",
                "listener " + port + (listen == null ? "" : " " + listen),
                "certfile " + mosquittoDir.resolve(SERVER_CERT).toAbsolutePath(),
                "keyfile " + mosquittoDir.resolve(SERVER_KEY).toAbsolutePath(),
                "tls_version tlsv1.2",
                "# A listener's option, so after 'listener'. Client ids are user names: nobody can take over another's",
                "# connection with its client id (Mosquitto would close the older one: a stolen station could keep",
                "# the controller off the air).",
                "use_username_as_clientid true"));
        return String.join("\n", lines) + "\n";
    }

    static void restrict(Path dir, String permissions) throws IOException {
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString(permissions));
    }
}
