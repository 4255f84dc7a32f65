package vn.loalang.controller.server;

import vn.loalang.controller.content.LineFormat;
import vn.loalang.controller.content.StorageLimits;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionType;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * The options of {@code run}, defined once: {@link Main} reads them (from the command line or
 * {@code --config controller.json}, where a key is the option's name without {@code --}), its
 * {@code --help} lists them, and docs/configuration.md is generated from {@link #ALL}.
 */
public final class ControllerOptions {
    private ControllerOptions() {
    }

    private static final long MB = 1024L * 1024;
    /** Where {@code provision init} writes the controller's certificate and key, and a copy of the CA. */
    static final Path TLS_DIR = vn.loalang.provisioning.tls.WebCertificate.DEFAULT_DIR;

    public static final Option<Path> CONFIG = Option.of("config", OptionType.path("FILE"), "the controller's config file")
            .help("Read the options below from a JSON object, e.g. {\"data\": \"/var/lib/loalang\", \"http-port\": 8080}; "
                    + "a key is an option's name without --; options on the command line win; relative paths are "
                    + "relative to the file.");
    public static final Option<Path> COMMUNE = Option.of("commune", OptionType.path("FILE"), "the commune file")
            .help("At the first start: the commune file (villages, stations, library, program) imported into the empty "
                    + "store; afterwards the store is the record and the file is not read again (change things through "
                    + "the API). Without it, an empty store serves the console's setup page until the first "
                    + "administrator has given the commune (docs/console.md); an example: "
                    + "docs/examples/commune.example.json.");
    public static final Option<Path> DATA = Option.of("data", OptionType.path("DIR"), "the data folder")
            .byDefault(Path.of("loalang-data"))
            .help("The signing key (DIR/keys), the library audio (DIR/content) and the store (DIR/loalang.db).");
    public static final Option<Path> STORE = Option.of("store", OptionType.path("FILE"), "the SQLite store")
            .defaultInWords("DIR/loalang.db").help("The SQLite store elsewhere than in the data folder (e.g. on a backed-up disk).");
    public static final Option<String> BROKER = Option.of("broker",
                    OptionType.text("URL", "embedded, or an MQTT URL tcp://HOST:PORT or ssl://HOST:PORT",
                            s -> s.equals("embedded") || OptionType.isBrokerUrl(s)),
                    "the MQTT broker").byDefault("embedded")
            .help("An external MQTT broker (Mosquitto), e.g. ssl://127.0.0.1:8883; embedded: the controller's own.");
    public static final Option<String> MQTT_HOST = Option.of("mqtt-host", OptionType.text("HOST"), "the embedded broker's address")
            .byDefault("127.0.0.1")
            .help("The embedded broker's address; clients without a password are let in on 127.0.0.1 only; on any other "
                    + "address (e.g. 0.0.0.0) each station needs its own account (POST /api/stations/ID/credentials); "
                    + "no TLS: use Mosquitto for that.");
    public static final Option<Integer> MQTT_PORT = Option.of("mqtt-port", OptionType.port(), "the embedded broker's port")
            .byDefault(1883).help("The embedded broker's port.");
    public static final Option<String> MQTT_USER = Option.of("mqtt-user", OptionType.text("USER"),
            "the controller's user name on the external broker").help("The controller's user name on the external broker.");
    public static final Option<Path> MQTT_PASSWORD_FILE = Option.of("mqtt-password-file", OptionType.path("FILE"),
                    "the file of the controller's broker password")
            .help("Its password, read from a file (never on the command line); written by provision init.");
    public static final Option<Path> MQTT_CA = Option.of("mqtt-ca", OptionType.path("FILE"), "the broker's CA certificate")
            .help("For an ssl:// broker: the CA certificate to trust (from provision init).");
    public static final Option<Path> BROKER_ACCOUNTS = Option.of("broker-accounts", OptionType.path("DIR"),
                    "the folder of the broker's accounts")
            .help("Keep the stations' broker accounts: the controller writes Mosquitto's passwd and acl in DIR as "
                    + "stations are enrolled, moved or removed (an external broker only).");
    public static final Option<String> BROKER_RELOAD = Option.of("broker-reload", OptionType.text("CMD", "a command and its arguments, or blank for none", s -> true),
                    "the command that reloads the broker")
            .help("Run after those files change; on a server the systemd path unit loalang-broker-reload.path "
                    + "reloads Mosquitto instead.");
    public static final Option<String> HTTP_HOST = Option.of("http-host", OptionType.text("HOST"),
                    "the address of the console, the API and the content").byDefault("127.0.0.1")
            .help("The address of the console, the API and the content; beyond loopback (e.g. 0.0.0.0) it needs "
                    + "--https-port: plain HTTP then only redirects to HTTPS (but for the stations' audio at /content/ "
                    + "when --public-url is http://).");
    public static final Option<Integer> HTTP_PORT = Option.of("http-port", OptionType.port(), "the plain HTTP port")
            .byDefault(8080).help("The plain HTTP port.");
    public static final Option<Integer> HTTPS_PORT = Option.of("https-port", OptionType.port(), "the HTTPS port")
            .example("8443").help("HTTPS on the same address (e.g. 8443), with HSTS: the console and the API.");
    public static final Option<Path> TLS_CERT = Option.of("tls-cert", OptionType.path("FILE"), "the HTTPS certificate chain")
            .byDefault(TLS_DIR.resolve("controller.pem"))
            .help("The HTTPS certificate chain, PEM, the server's first (issued by the commune CA at provision init).");
    public static final Option<Path> TLS_KEY = Option.of("tls-key", OptionType.path("FILE"), "the HTTPS private key")
            .byDefault(TLS_DIR.resolve("controller.key")).help("Its private key, unencrypted PKCS#8 PEM.");
    public static final Option<URI> PUBLIC_URL = Option.of("public-url", OptionType.uri("http", "https"),
                    "how stations reach the content server").defaultInWords("http://127.0.0.1:HTTP-PORT")
            .example("https://192.168.1.10:8443")
            .help("How stations reach the content server (it goes into every schedule); with https://HOST:HTTPS-PORT "
                    + "they trust the commune CA from their bundle.");
    public static final Option<String> TOPIC_ROOT = Option.of("topic-root", OptionType.topicRoot(), "the MQTT topic root")
            .byDefault(Topics.DEFAULT_ROOT).help("The MQTT topic root; its stations' topicRoot must be the same.");
    public static final Option<URI> WEBHOOK = Option.of("webhook", OptionType.uri("http", "https"),
                    "where incidents are POSTed").example("https://chat.example/hook")
            .help("Where station incidents are POSTed as JSON (a chat bot, an SMS gateway); they are also published "
                    + "on ROOT/incident.");
    public static final Option<Long> UPLOAD_MAX_MB = Option.of("upload-max-mb", OptionType.whole(1, 1_048_576, "megabytes"),
                    "the largest upload").byDefault(StorageLimits.DEFAULT_UPLOAD_BYTES / MB)
            .help("The largest audio file an operator or administrator may upload (an hour of 320 kbps MP3 is 144 MB).");
    public static final Option<Long> CLIP_MAX_MB = Option.of("clip-max-mb", OptionType.whole(1, 1_048_576, "megabytes"),
                    "the largest alert clip").byDefault(StorageLimits.DEFAULT_CLIP_BYTES / MB)
            .help("The largest clip a village head may upload for an alert (ten minutes of a phone's WAV is 53 MB).");
    public static final Option<Long> LIBRARY_QUOTA_MB = Option.of("library-quota-mb",
                    OptionType.whole(1, 16_777_216, "megabytes"), "the library's quota")
            .byDefault(StorageLimits.DEFAULT_QUOTA_BYTES / MB)
            .help("The library's total on disk (each file counted once); an upload that would pass it is refused.");
    public static final Option<Integer> LINE_RATE = Option.of("line-rate", OptionType.integer(0, 48_000, "Hz"),
                    "the stations' line sample rate").byDefault(LineFormat.AGENT_DEFAULT.sampleRate())
            .help("The sample rate the stations drive their sound cards at (their audio.sampleRate). Every library item"
                    + " is delivered as MP3 at this rate and --line-channels, so that no station resamples: an MP3 rate"
                    + " (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100 or 48000). 0: files are kept as uploaded"
                    + " and every station converts them as it plays.");
    public static final Option<Integer> LINE_CHANNELS = Option.of("line-channels", OptionType.integer(1, 2, null),
                    "the stations' line channels").byDefault(LineFormat.AGENT_DEFAULT.channels())
            .help("1 (mono) or 2 (stereo): the stations' audio.channels.");

    // Live relays and talks (issue 17, decision 0030).
    public static final Option<String> LIVE_SERVER = Option.of("live-server", OptionType.oneOf("embedded", "icecast"),
                    "where stations fetch live audio").byDefault("embedded")
            .help("embedded: the controller serves the live channels itself at /live/MOUNT (the demo, a small commune); "
                    + "icecast: the controller feeds an Icecast2 as its source and stations listen there (production).");
    public static final Option<URI> ICECAST_URL = Option.of("icecast-url", OptionType.uri("http"),
                    "how the controller reaches Icecast").example("http://127.0.0.1:8000")
            .help("With --live-server icecast: Icecast's address as the controller reaches it, to feed its mounts and "
                    + "to kick listeners (its admin interface).");
    public static final Option<URI> ICECAST_PUBLIC_URL = Option.of("icecast-public-url", OptionType.uri("http", "https"),
                    "how stations reach Icecast").example("https://192.168.1.10:8443")
            .help("With --live-server icecast: Icecast's address as stations reach it (it goes into every live item); "
                    + "https:// with the commune's certificate, http:// only on loopback.");
    public static final Option<Path> ICECAST_SOURCE_PASSWORD_FILE = Option.of("icecast-source-password-file",
                    OptionType.path("FILE"), "the file of Icecast's source password")
            .help("Icecast's source password (its source-password), read from a file; only the controller holds it, never ffmpeg nor a station.");
    public static final Option<Path> ICECAST_ADMIN_PASSWORD_FILE = Option.of("icecast-admin-password-file",
                    OptionType.path("FILE"), "the file of Icecast's admin password")
            .help("Icecast's admin password (its admin-password, user admin), read from a file: to kick a station's older or revoked connection.");
    public static final Option<Path> ICECAST_CALLBACK_PASSWORD_FILE = Option.of("icecast-callback-password-file",
                    OptionType.path("FILE"), "the file of the password of Icecast's callbacks")
            .help("The password Icecast's url authentication sends (user icecast) to /internal/icecast/listener-add and "
                    + "listener-remove; those routes answer the loopback only.");
    public static final Option<String> FFMPEG = Option.of("ffmpeg", OptionType.text("PROGRAM"),
                    "the ffmpeg program").byDefault("ffmpeg")
            .help("The ffmpeg that pulls relayed sources, encodes talks and converts the library's uploads (M4A, AMR, "
                    + "Ogg/Opus, MP2, float WAV) to MP3 (Debian package ffmpeg): a path, or a name on PATH. Checked at "
                    + "start; without it live relays and talks are refused, and such uploads are refused with how to "
                    + "install it.");

    // issue 19: the mirror
    public static final Option<Boolean> MIRROR_ALLOW_LOCAL = Option.of("mirror-allow-local", OptionType.bool(),
                    "let the mirror send to this machine").byDefault(false)
            .help("true: let the chat and SMS mirror send to loopback and link-local addresses (a webhook or gateway on this "
                    + "machine, tests). Without it such addresses are refused: an administrator's typo or a stolen "
                    + "account must not turn the controller against its own services (docs/mirror-webhook.md).");
    // issue 19: "Nghe lại", where residents hear sessions and alerts again (decision 0041).
    public static final Option<URI> LISTEN_URL = Option.of("listen-url", OptionType.uri("http", "https"),
                    "where residents reach Nghe lại").defaultInWords("--public-url")
            .example("https://loa.xa-an-binh.vn")
            .help("The address printed in the public pages' links and the podcast feeds: the public page is "
                    + "URL/nghe-lai/. Best a reverse proxy with a public certificate that forwards /nghe-lai/ only "
                    + "(docs/nghe-lai.md); with http:// the plain HTTP port serves GET and HEAD /nghe-lai/… in clear.");

    /** Every option of {@code run}, in the order {@code --help} and the docs list them. */
    public static final List<Option<?>> ALL = List.of(CONFIG, COMMUNE, DATA, STORE, BROKER, MQTT_HOST, MQTT_PORT, MQTT_USER,
            MQTT_PASSWORD_FILE, MQTT_CA, BROKER_ACCOUNTS, BROKER_RELOAD, HTTP_HOST, HTTP_PORT, HTTPS_PORT, TLS_CERT,
            TLS_KEY, PUBLIC_URL, TOPIC_ROOT, WEBHOOK, UPLOAD_MAX_MB, CLIP_MAX_MB, LIBRARY_QUOTA_MB,
            LINE_RATE, LINE_CHANNELS, LIVE_SERVER, ICECAST_URL, ICECAST_PUBLIC_URL, ICECAST_SOURCE_PASSWORD_FILE,
            ICECAST_ADMIN_PASSWORD_FILE, ICECAST_CALLBACK_PASSWORD_FILE, FFMPEG,
            MIRROR_ALLOW_LOCAL, // issue 19: the mirror
            LISTEN_URL); // issue 19: Nghe lại
}
