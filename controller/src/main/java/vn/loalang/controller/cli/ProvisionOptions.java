package vn.loalang.controller.cli;

import vn.loalang.provisioning.tls.WebCertificate;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionType;
import vn.loalang.provisioning.broker.BrokerSetup;
import vn.loalang.provisioning.bundle.StationBundle;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The options of {@code provision init|station|rotate|revoke} (besides the login of the last three,
 * {@link SessionOptions}), defined once: read by {@link ProvisionCommand}, listed in its {@code --help}
 * and in docs/configuration.md. The broker's defaults are {@link BrokerSetup}'s.
 */
public final class ProvisionOptions {
    private ProvisionOptions() {
    }

    private static final String HOSTS_RULE = "host names or addresses separated by commas";

    // Every command.
    public static final Option<Path> DIR = Option.of("dir", OptionType.path("DIR"), "the provisioning folder")
            .byDefault(Path.of("/etc/loalang/provisioning"))
            .help("Root's alone: the commune CA's key and the record of provision init, which the other commands read.");

    // init
    public static final Option<String> BROKER_HOSTS = Option.of("broker-hosts",
                    OptionType.text("HOST[,HOST…]", HOSTS_RULE, ProvisionOptions::isHostList), "the broker's addresses")
            .required().example("192.168.1.10")
            .help("The addresses stations reach this server at; the first goes into their bundles (127.0.0.1 is added "
                    + "for the controller).");
    public static final Option<Integer> PORT = Option.of("port", OptionType.port(), "the broker's TLS port")
            .byDefault(BrokerSetup.DEFAULT_PORT).help("Mosquitto's TLS listener (there is no plain port).");
    public static final Option<String> LISTEN = Option.of("listen", OptionType.text("ADDRESS"), "the broker's address")
            .defaultInWords("every interface").example("192.168.1.10").help("The address Mosquitto listens on.");
    public static final Option<Path> MOSQUITTO_DIR = Option.of("mosquitto-dir", OptionType.path("DIR"),
                    "the broker's folder").byDefault(Path.of("/etc/mosquitto/loalang"))
            .help("The broker's certificates and key, and accounts/ with the passwd and acl the controller rewrites.");
    public static final Option<Path> MOSQUITTO_CONF = Option.of("mosquitto-conf", OptionType.path("FILE"),
                    "the broker's listener config").byDefault(Path.of("/etc/mosquitto/conf.d/loalang.conf"))
            .help("Mosquitto's listener config, written here.");
    public static final Option<Path> CONTROLLER_PASSWORD_FILE = Option.of("controller-password-file",
                    OptionType.path("FILE"), "the file of the controller's broker password")
            .byDefault(Path.of("/etc/loalang/controller.mqtt-password"))
            .help("The controller's broker password, kept across runs (run's --mqtt-password-file).");
    public static final Option<String> CONTROLLER_USER = Option.of("controller-user", OptionType.text("USER"),
                    "the controller's broker user").byDefault(BrokerSetup.DEFAULT_CONTROLLER_USER)
            .help("The controller's user name on the broker (run's --mqtt-user).");
    public static final Option<String> SYSTEM_USER = Option.of("system-user", OptionType.text("USER"),
                    "the controller's system user").byDefault(BrokerSetup.DEFAULT_SYSTEM_USER)
            .help("The system user the controller runs as: it reads its password file and rewrites passwd and acl.");
    public static final Option<String> COMMUNE_NAME = Option.of("commune-name", OptionType.text("NAME"),
                    "the commune's name").byDefault(BrokerSetup.DEFAULT_COMMUNE_NAME)
            .help("The name in the commune CA's certificate.");
    public static final Option<String> TOPIC_ROOT = Option.of("topic-root", OptionType.topicRoot(), "the MQTT topic root")
            .byDefault(Topics.DEFAULT_ROOT).help("The topic root the accounts' ACL allows (run's --topic-root).");
    public static final Option<String> WEB_HOSTS = Option.of("web-hosts",
                    OptionType.text("HOST[,HOST…]", HOSTS_RULE, ProvisionOptions::isHostList), "the console's addresses")
            .defaultInWords("the broker hosts").example("192.168.1.10,dai.xa-an-binh.local")
            .help("The names and addresses in the console's HTTPS certificate, from the same CA.");
    public static final Option<Path> TLS_DIR = Option.of("tls-dir", OptionType.path("DIR"), "the console's TLS folder")
            .byDefault(WebCertificate.DEFAULT_DIR)
            .help("Where the console's certificate goes: controller.pem, controller.key (group of --system-user), ca.pem.");

    // station, rotate
    public static final Option<String> STATION = Option.of("station", OptionType.id(), "the station")
            .required().example("thon-dong-1").help("The station's id (station, rotate, revoke).");
    public static final Option<String> VILLAGE = Option.of("village", OptionType.id(), "the station's village")
            .required().example("thon-dong").help("Its village (station only): its alerts and access list follow it.");
    public static final Option<String> NAME = Option.of("name", OptionType.text("NAME"), "the station's name")
            .help("A name to show for it (station only).");
    public static final Option<String> RELAYS = Option.of("relays",
                    OptionType.text("NAME:PIN[:active-low],…", "NAME:PIN or NAME:PIN:active-low, separated by commas",
                            ProvisionOptions::isRelayList), "the station's relays")
            .defaultInWords("amp:17").example("amp:17,amp2:27:active-low")
            .help("The Pi's relays by BCM pin; at a rotation only to replace what this server recorded.");
    public static final Option<String> AUDIO_DEVICE = Option.of("audio-device", OptionType.text("NAME"),
                    "the station's sound card").defaultInWords("required for station; at a rotation, the recorded one")
            .example("USB Audio")
            .help("The sound card to play on, by (part of) its name as aplay -l shows it on the Pi (the default card may be "
                    + "HDMI); at a rotation only to replace what this server recorded.");
    public static final Option<Path> OUT = Option.of("out", OptionType.path("DIR"), "the bundle's folder")
            .byDefault(Path.of(".")).help("Where the bundle DIR/loalang-station-ID.tar.gz is written.");
    public static final Option<Path> AGENT_JAR = Option.of("agent-jar", OptionType.path("JAR"), "the station agent's jar")
            .defaultInWords("/opt/loalang/loalang-station-agent.jar, or the source tree's build, when there")
            .help("The agent put into the bundle; without one, install.sh on the Pi needs --jar.");

    // revoke
    public static final Option<String> KEEP_STATION = Option.of("keep-station", OptionType.oneOf("yes", "no"),
                    "whether the station stays listed").byDefault("no")
            .help("yes: only its broker account goes; no: it leaves the directory too (an administrator's).");

    public static final List<Option<?>> INIT = List.of(BROKER_HOSTS, PORT, LISTEN, MOSQUITTO_DIR, MOSQUITTO_CONF,
            CONTROLLER_PASSWORD_FILE, CONTROLLER_USER, SYSTEM_USER, COMMUNE_NAME, TOPIC_ROOT, WEB_HOSTS, TLS_DIR);
    public static final List<Option<?>> STATION_AND_ROTATE = List.of(STATION, VILLAGE, NAME, RELAYS, AUDIO_DEVICE, OUT,
            AGENT_JAR);
    public static final List<Option<?>> REVOKE = List.of(KEEP_STATION);
    /** Every option, in the order the docs list them. */
    public static final List<Option<?>> ALL = concat(List.of(DIR), INIT, STATION_AND_ROTATE, REVOKE);

    /** The hosts of {@code --broker-hosts} or {@code --web-hosts}, without blanks. */
    static List<String> hosts(String text) {
        return text == null ? List.of()
                : Arrays.stream(text.split(",")).map(String::strip).filter(h -> !h.isEmpty()).toList();
    }

    /** The relays of {@code --relays}. */
    static List<StationBundle.Relay> relays(String text) {
        return Arrays.stream(text.split(",")).map(String::strip).map(StationBundle.Relay::parse).toList();
    }

    private static boolean isHostList(String text) {
        List<String> hosts = hosts(text);
        return !hosts.isEmpty() && hosts.stream().noneMatch(h -> h.matches(".*\\s.*"));
    }

    private static boolean isRelayList(String text) {
        try {
            return !relays(text).isEmpty();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @SafeVarargs
    private static List<Option<?>> concat(List<Option<?>>... lists) {
        return Arrays.stream(lists).flatMap(List::stream).toList();
    }
}
