package vn.loalang.controller.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Icecast2 (Debian's {@code icecast2}, 2.4) on 127.0.0.1 and a free port, as a test
 * process: its config written to a temporary folder (plan §2.2), ready once {@code /status-json.xsl}
 * answers 200, stopped by the pid in its pidfile. Icecast refuses to run as root: as root (CI) its
 * config has {@code <changeowner>} to the package's {@code icecast2:icecast} and the folder is
 * given to that user. Mounts may ask the controller about each listener (URL authentication).
 */
public final class IcecastUnderTest implements AutoCloseable {
    public static final String SOURCE_PASSWORD = "src-" + Long.toHexString(System.nanoTime());
    public static final String ADMIN_PASSWORD = "adm-" + Long.toHexString(System.nanoTime());

    /** A mount whose listeners Icecast checks with {@code callbackBase}/listener-add and -remove, as {@code user:password}. */
    public record AuthMount(String mount, URI callbackBase, String user, String password) {
    }

    private final Path dir;
    private final int port;
    private volatile Process launcher;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private IcecastUnderTest(Path dir, int port, Process launcher) {
        this.dir = dir;
        this.port = port;
        this.launcher = launcher;
    }

    public static IcecastUnderTest start() throws IOException {
        return start(List.of());
    }

    public static IcecastUnderTest start(List<AuthMount> authMounts) throws IOException {
        Path dir = Files.createTempDirectory("icecast-");
        int port = TestFiles.freePort();
        boolean root = "root".equals(System.getProperty("user.name"));
        Files.writeString(dir.resolve("icecast.xml"), config(dir, port, authMounts, root), StandardCharsets.UTF_8);
        if (root) {
            giveTo(dir, "icecast2", "icecast");
        }
        Process p = new ProcessBuilder("icecast2", "-c", dir.resolve("icecast.xml").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("launcher.log").toFile()).start();
        IcecastUnderTest ice = new IcecastUnderTest(dir, port, p);
        try {
            ice.awaitReady();
        } catch (IOException | RuntimeException e) {
            ice.close();
            throw e;
        }
        return ice;
    }

    private static String config(Path dir, int port, List<AuthMount> authMounts, boolean root) {
        StringBuilder mounts = new StringBuilder();
        for (AuthMount m : authMounts) {
            mounts.append("""
                      <mount type="normal"><mount-name>%s</mount-name>
                        <authentication type="url">
                          <option name="listener_add" value="%s/internal/icecast/listener-add"/>
                          <option name="listener_remove" value="%s/internal/icecast/listener-remove"/>
                          <option name="username" value="%s"/><option name="password" value="%s"/>
                          <option name="auth_header" value="icecast-auth-user: 1"/>
                          <!-- The controller decides: newest wins, it kicks the older one. Icecast's own default
                               (0) would refuse the newer connection while the half-open older one lingers. -->
                          <option name="allow_duplicate_users" value="1"/>
                        </authentication></mount>
                    """.formatted(m.mount(), m.callbackBase(), m.callbackBase(), m.user(), m.password()));
        }
        return """
                <icecast>
                  <location>test</location><admin>test@localhost</admin>
                  <limits><clients>400</clients><sources>8</sources><queue-size>131072</queue-size>
                    <client-timeout>30</client-timeout><header-timeout>15</header-timeout><source-timeout>5</source-timeout>
                    <burst-on-connect>1</burst-on-connect><burst-size>12000</burst-size></limits>
                  <authentication><source-password>%s</source-password><relay-password>%s</relay-password>
                    <admin-user>admin</admin-user><admin-password>%s</admin-password></authentication>
                  <hostname>127.0.0.1</hostname>
                  <listen-socket><port>%d</port><bind-address>127.0.0.1</bind-address></listen-socket>
                %s  <fileserve>0</fileserve>
                  <paths><basedir>/usr/share/icecast2</basedir><logdir>%s</logdir>
                    <webroot>/usr/share/icecast2/web</webroot><adminroot>/usr/share/icecast2/admin</adminroot>
                    <pidfile>%s/icecast.pid</pidfile></paths>
                  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>3</loglevel></logging>
                  <security><chroot>0</chroot>%s</security>
                </icecast>
                """.formatted(SOURCE_PASSWORD, SOURCE_PASSWORD, ADMIN_PASSWORD, port, mounts, dir, dir,
                root ? "<changeowner><user>icecast2</user><group>icecast</group></changeowner>" : "");
    }

    private static void giveTo(Path dir, String user, String group) throws IOException {
        UserPrincipalLookupService names = dir.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal u = names.lookupPrincipalByName(user);
        GroupPrincipal g = names.lookupPrincipalByGroupName(group);
        try (var files = Files.walk(dir)) {
            for (Path p : files.toList()) {
                PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
                view.setOwner(u);
                view.setGroup(g);
            }
        }
    }

    private void awaitReady() throws IOException {
        try {
            org.awaitility.Awaitility.await("icecast2 answering /status-json.xsl").atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        if (!launcher.isAlive() && pid() < 0) {
                            throw new IOException("icecast2 exited with " + launcher.exitValue() + ": " + log());
                        }
                        try {
                            return http.send(HttpRequest.newBuilder(url("/status-json.xsl")).timeout(Duration.ofSeconds(2))
                                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                        } catch (IOException e) {
                            return false; // not listening yet
                        }
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IOException("icecast2 did not answer on 127.0.0.1:" + port + " within 15 s: " + log(), e);
        }
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:PORT} + {@code path}. */
    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** For a source client: icecast://source:PASSWORD@127.0.0.1:PORT/mount, as ffmpeg takes it. */
    public String sourceUrl(String mount) {
        return "icecast://source:" + SOURCE_PASSWORD + "@127.0.0.1:" + port + mount;
    }

    /** Listeners now on {@code mount}, from {@code /admin/stats}; 0 when the mount has no source. */
    public int listeners(String mount) throws IOException {
        String xml = admin("/admin/stats");
        Matcher m = Pattern.compile("<source mount=\"" + Pattern.quote(mount) + "\">(.*?)</source>", Pattern.DOTALL)
                .matcher(xml);
        if (!m.find()) {
            return 0;
        }
        Matcher l = Pattern.compile("<listeners>(\\d+)</listeners>").matcher(m.group(1));
        return l.find() ? Integer.parseInt(l.group(1)) : 0;
    }

    /** Whether a source feeds {@code mount} now. */
    public boolean hasSource(String mount) throws IOException {
        return admin("/admin/stats").contains("<source mount=\"" + mount + "\">");
    }

    /** An admin page's body, with the admin's Basic credentials. */
    public String admin(String pathAndQuery) throws IOException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(url(pathAndQuery)).timeout(Duration.ofSeconds(5))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            ("admin:" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException("icecast2 " + pathAndQuery + " answered " + r.statusCode());
            }
            return r.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /** Icecast's error log, for a failure message. */
    public String log() {
        List<String> parts = new ArrayList<>();
        for (String f : List.of("launcher.log", "error.log")) {
            try {
                parts.add(f + ": " + Files.readString(dir.resolve(f)).strip());
            } catch (IOException e) {
                parts.add(f + ": (none)");
            }
        }
        return String.join("\n", parts);
    }

    private long pid() {
        try {
            return Long.parseLong(Files.readString(dir.resolve("icecast.pid")).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** Icecast stops and starts again on the same port and config: its sources and listeners are gone meanwhile. */
    public void restart() throws IOException {
        stop();
        java.nio.file.Files.deleteIfExists(dir.resolve("icecast.pid"));
        launcher = new ProcessBuilder("icecast2", "-c", dir.resolve("icecast.xml").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("launcher.log").toFile()))
                .start();
        awaitReady();
    }

    /** SIGTERM to the pid in the pidfile (after changeowner it is the icecast2 user's), then the folder goes. */
    @Override
    public void close() {
        stop();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp folder left behind
        }
    }

    private void stop() {
        long pid = pid();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        launcher.destroy();
        try {
            ProcessHandle.of(pid).ifPresent(h -> {
                try {
                    h.onExit().get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    h.destroyForcibly();
                }
            });
            if (!launcher.waitFor(5, TimeUnit.SECONDS)) {
                launcher.destroyForcibly();
            }
        } catch (InterruptedException e) {
            launcher.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
