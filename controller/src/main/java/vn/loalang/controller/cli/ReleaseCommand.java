package vn.loalang.controller.cli;

import vn.loalang.protocol.Json;
import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionException;
import vn.loalang.protocol.config.OptionText;
import vn.loalang.protocol.config.OptionType;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.ReleaseSignature;
import vn.loalang.protocol.station.Release;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code loalang-controller release …}: signs an agent build with the release key, on the machine
 * where the build is made (not the commune server: a controller's key alone must not put code on
 * the stations). Writes the release file that {@code station --action UPDATE --release FILE} sends.
 * The key is made on first use; its public half goes into every station's {@code update.releaseKeys}.
 */
public final class ReleaseCommand {
    public static final Option<Path> JAR = Option.of("jar", OptionType.path("FILE"), "the agent build").required()
            .example("station-agent/target/loalang-station-agent.jar").help("The agent jar to release.");
    public static final Option<String> VERSION = Option.of("version", OptionType.text("VERSION"), "its version")
            .example("1.4.0").help("The version the build reports, read from its manifest (Implementation-Version); "
                    + "when given, it must be the same: a station keeps a new version only if it reports the version on trial.");
    public static final Option<String> URL = Option.of("url", OptionType.text("URL"), "where stations download it")
            .example("https://192.168.1.10:8443/releases/agent-1.4.0.jar")
            .help("Not needed: the file is uploaded with the jar to the controller (console, or POST /api/releases),"
                    + " which serves the jar itself and names its own address in every UPDATE, whatever the file says."
                    + " Kept so that older scripts still run.");
    public static final Option<Path> KEY = Option.of("key", OptionType.path("FILE"), "the release key").required()
            .example("release-signing.pem").help("The release key's private half (made on first use, with FILE.pub.pem beside it).");
    public static final Option<String> KEY_ID = Option.of("key-id", OptionType.id(), "the release key's id")
            .byDefault("release").help("The name stations know the key by in update.releaseKeys.");
    public static final Option<Path> OUT = Option.of("out", OptionType.path("FILE"), "the release file")
            .example("release-1.4.0.json").help("Where to write the signed release (default: release-VERSION.json).");
    public static final List<Option<?>> ALL = List.of(JAR, VERSION, URL, KEY, KEY_ID, OUT);

    static final String USAGE = """
            Usage: loalang-controller release --jar FILE [--version V] --key FILE [--key-id ID] [--out FILE] [--url URL]

            Options:
            """ + OptionText.commandLine(ALL) + """

            Exit code: 0 written, 1 failed, 2 a mistake on the command line.
            """;

    private ReleaseCommand() {
    }

    /** What the agent built into {@code jar} reports as its version: its manifest's Implementation-Version. */
    static String reportedVersion(Path jar) throws IOException {
        try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar.toFile())) {
            java.util.jar.Manifest m = j.getManifest();
            String v = m == null ? null : m.getMainAttributes().getValue(java.util.jar.Attributes.Name.IMPLEMENTATION_VERSION);
            if (v == null) {
                throw new IllegalArgumentException(jar + " has no Implementation-Version in its manifest: it reports "
                        + "\"dev\" and could never pass a trial; build it with ./loalang build");
            }
            return v;
        } catch (java.util.zip.ZipException e) {
            throw new IllegalArgumentException(jar + " is not a jar: " + e.getMessage());
        }
    }

    public static int run(String[] argv, PrintStream out, PrintStream err) {
        if (List.of(argv).contains("--help")) {
            out.println(USAGE);
            return 0;
        }
        try {
            Args a = new Args(argv);
            Path jar = a.get(JAR);
            String given = a.has(VERSION) ? a.get(VERSION) : null;
            String url = a.has(URL) ? a.get(URL) : null;
            Path keyFile = a.get(KEY);
            String keyId = a.get(KEY_ID);
            Path out0 = a.has(OUT) ? a.get(OUT) : null;
            a.requireAllUsed();
            String version = reportedVersion(jar);
            if (given != null && !given.equals(version)) {
                throw new IllegalArgumentException("--version " + given + " is not the version " + jar + " reports ("
                        + version + "): a station would roll it back, since it never reports the version on trial");
            }
            Path file = out0 != null ? out0 : Path.of("release-" + version + ".json");
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(jar), sha)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            String sha256 = HexFormat.of().formatHex(sha.digest());
            long size = Files.size(jar);
            KeyPair key = Ed25519Keys.loadOrCreate(keyFile);
            String signature = ReleaseSignature.sign(key.getPrivate(), version, sha256, size);
            // Without --url the controller names its own address in each UPDATE: the file carries no url.
            Object release = url != null ? new Release(version, url, size, sha256, keyId, signature)
                    : new java.util.LinkedHashMap<>(java.util.Map.of("version", version, "size", size, "sha256", sha256,
                    "keyId", keyId, "signature", signature));
            Files.write(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(release));
            out.println("Đã ký bản " + version + " / signed release " + version + ": " + file + " (" + size + " bytes, SHA-256 "
                    + sha256 + ")");
            if (url == null) {
                out.println("Tải lên máy chủ / upload to the controller: the jar and " + file + " (console: Cập nhật / Updates)");
            }
            out.println("Khoá công khai cho update.releaseKeys.\"" + keyId + "\" của mọi trạm / the public key for every "
                    + "station's update.releaseKeys.\"" + keyId + "\": " + Ed25519Keys.publicFileFor(keyFile));
            return 0;
        } catch (OptionException e) {
            err.println(Args.refusal("release", e));
            return 2;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage() + "\n\n" + USAGE);
            return 2;
        } catch (IOException e) {
            err.println("Không ký được / could not sign: " + e.getMessage());
            return 1;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
