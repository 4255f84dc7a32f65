package vn.loalang.controller.server;

import vn.loalang.controller.broker.BrokerAccounts;
import vn.loalang.controller.http.HttpsSettings;
import vn.loalang.controller.content.LineFormat;
import vn.loalang.controller.content.StorageLimits;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How the controller runs. {@code brokerUrl == null} means the embedded broker on
 * {@code mqttHost:mqttPort}; otherwise the external broker (Mosquitto) at that URL.
 *
 * @param webhook    where incidents are POSTed as JSON (a chat bot, an SMS gateway); null: none
 * @param communeFile a commune file to import into an empty store; null when the store has its commune
 * @param publicUrl how stations reach the content server, e.g. {@code http://192.168.1.10:8080};
 *                  null means {@code http://127.0.0.1:{httpPort}} (one machine only)
 * @param mqttCa    for an {@code ssl://} external broker: the CA certificate to trust (the commune's own)
 * @param brokerAccounts where the controller keeps Mosquitto's passwd and acl for the stations it enrols;
 *                  null: no files (the embedded broker, which is given its accounts from memory; or an
 *                  external broker whose accounts are kept by hand)
 * @param https     the HTTPS listener on the HTTP host; null: plain HTTP only, which must then be on loopback
 * @param storage   the upload limits and the library's quota (null: the defaults)
 * @param line      the stations' line format, which the library delivers every item in (null: the agent's default)
 * @param live      where stations fetch live channels, and the ffmpeg (null: embedded, ffmpeg on PATH)
 * @param mirrorAllowLocal issue 19: the mirror may send to loopback and link-local addresses (tests; SSRF otherwise)
 * @param listenUrl issue 19: where residents reach "Nghe lại", the base of /nghe-lai/ in links and feeds; null: publicUrl
 */
public record ControllerConfig(Path communeFile, Path dataDir, String brokerUrl, String mqttHost, int mqttPort,
                               String username, String password, String topicRoot, String httpHost, int httpPort,
                               URI publicUrl, Path storeFile, URI webhook, Path mqttCa,
                               BrokerAccounts.Settings brokerAccounts, HttpsSettings https,
                               StorageLimits storage, LineFormat line, vn.loalang.controller.live.LiveServerSettings live,
                               boolean mirrorAllowLocal, URI listenUrl) {
    /** As before issue 19: the mirror refuses local addresses. */
    public ControllerConfig(Path communeFile, Path dataDir, String brokerUrl, String mqttHost, int mqttPort,
                            String username, String password, String topicRoot, String httpHost, int httpPort,
                            URI publicUrl, Path storeFile, URI webhook, Path mqttCa,
                            BrokerAccounts.Settings brokerAccounts, HttpsSettings https,
                            StorageLimits storage, LineFormat line, vn.loalang.controller.live.LiveServerSettings live) {
        this(communeFile, dataDir, brokerUrl, mqttHost, mqttPort, username, password, topicRoot, httpHost, httpPort,
                publicUrl, storeFile, webhook, mqttCa, brokerAccounts, https, storage, line, live, false, null);
    }

    public ControllerConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        storage = storage == null ? StorageLimits.DEFAULT : storage;
        line = line == null ? LineFormat.AGENT_DEFAULT : line;
        live = live == null ? vn.loalang.controller.live.LiveServerSettings.EMBEDDED : live;
        // null or 0: not set (ControllerConfig.of); the defaults are the options' (ControllerOptions).
        mqttHost = mqttHost == null ? ControllerOptions.MQTT_HOST.defaultValue() : mqttHost;
        mqttPort = mqttPort == 0 ? ControllerOptions.MQTT_PORT.defaultValue() : mqttPort;
        topicRoot = topicRoot == null ? ControllerOptions.TOPIC_ROOT.defaultValue() : topicRoot;
        httpHost = httpHost == null ? ControllerOptions.HTTP_HOST.defaultValue() : httpHost;
        httpPort = httpPort == 0 ? ControllerOptions.HTTP_PORT.defaultValue() : httpPort;
    }

    /** Checked at start, once every option is set: the {@code with…} steps may come in any order. */
    void requireConsistent() {
        if (brokerUrl != null && brokerUrl.startsWith("ssl://") && mqttCa == null) {
            throw new IllegalArgumentException("--broker " + brokerUrl + " is TLS: give the CA to trust with --mqtt-ca "
                    + "(written by 'provision init', e.g. /etc/mosquitto/loalang/ca.pem)");
        }
        if (brokerAccounts != null && brokerUrl == null) {
            throw new IllegalArgumentException("--broker-accounts is for an external Mosquitto (--broker); "
                    + "the embedded broker keeps its stations' accounts itself, with no file");
        }
    }

    public boolean embeddedBroker() {
        return brokerUrl == null;
    }

    public static ControllerConfig of(Path communeFile, Path dataDir) {
        return new ControllerConfig(communeFile, dataDir, null, null, 0, null, null, null, null, 0, null, null, null, null, null, null, null, null, null, false, null);
    }

    public ControllerConfig withEmbeddedBroker(String host, int port) {
        return new ControllerConfig(communeFile, dataDir, null, host, port, username, password, topicRoot, httpHost,
                httpPort, publicUrl, storeFile, webhook, mqttCa, brokerAccounts, https, storage, line, live, mirrorAllowLocal, listenUrl);
    }

    public ControllerConfig withExternalBroker(String url, String user, String pass) {
        return new ControllerConfig(communeFile, dataDir, url, mqttHost, mqttPort, user, pass, topicRoot, httpHost,
                httpPort, publicUrl, storeFile, webhook, mqttCa, brokerAccounts, https, storage, line, live, mirrorAllowLocal, listenUrl);
    }

    public ControllerConfig withHttp(String host, int port, URI publicUrl) {
        return new ControllerConfig(communeFile, dataDir, brokerUrl, mqttHost, mqttPort, username, password, topicRoot,
                host, port, publicUrl, storeFile, webhook, mqttCa, brokerAccounts, https, storage, line, live, mirrorAllowLocal, listenUrl);
    }

    /** The SQLite store; by default {@code loalang.db} in the data directory. */
    public ControllerConfig withStoreFile(Path file) {
        return new ControllerConfig(communeFile, dataDir, brokerUrl, mqttHost, mqttPort, username, password, topicRoot,
                httpHost, httpPort, publicUrl, file, webhook, mqttCa, brokerAccounts, https, storage, line, live, mirrorAllowLocal, listenUrl);
    }

    public Path store() {
        return storeFile != null ? storeFile : dataDir.resolve("loalang.db");
    }

    /** The library's audio files, each named by its SHA-256. */
    public Path contentDir() {
        return dataDir.resolve("content");
    }

    public ControllerConfig withWebhook(URI url) {
        return new ControllerConfig(communeFile, dataDir, brokerUrl, mqttHost, mqttPort, username, password, topicRoot,
                httpHost, httpPort, publicUrl, storeFile, url, mqttCa, brokerAccounts, https, storage, line, live, mirrorAllowLocal, listenUrl);
    }

    /** TLS to the external broker, trusting {@code caFile} only. */
    public ControllerConfig withMqttCa(Path caFile) {
        return new ControllerConfig(communeFile, dataDir, brokerUrl, mqttHost, mqttPort, username, password, topicRoot,
                httpHost, httpPort, publicUrl, storeFile, webhook, caFile, brokerAccounts, https, storage, line, live, mirrorAllowLocal, listenUrl);
    }

    /** The controller keeps the stations' broker accounts in Mosquitto's files. */
    public ControllerConfig withBrokerAccounts(BrokerAccounts.Settings settings) {
        return new ControllerConfig(communeFile, dataDir, brokerUrl, mqttHost, mqttPort, username, password, topicRoot,
                httpHost, httpPort, publicUrl, storeFile, webhook, mqttCa, settings, https, storage, line, live, mirrorAllowLocal, listenUrl);
    }

    /** HTTPS on the HTTP host with this port, certificate chain and key. */
    public ControllerConfig withHttps(HttpsSettings settings) {
        return new ControllerConfig(communeFile, dataDir, brokerUrl, mqttHost, mqttPort, username, password, topicRoot,
                httpHost, httpPort, publicUrl, storeFile, webhook, mqttCa, brokerAccounts, settings, storage, line, live, mirrorAllowLocal, listenUrl);
    }

    /** Upload limits and the library's quota other than the defaults. */
    public ControllerConfig withStorage(StorageLimits limits) {
        return new ControllerConfig(communeFile, dataDir, brokerUrl, mqttHost, mqttPort, username, password, topicRoot,
                httpHost, httpPort, publicUrl, storeFile, webhook, mqttCa, brokerAccounts, https, limits, line, live, mirrorAllowLocal, listenUrl);
    }

    /** The stations' line format other than the agent's default (44.1 kHz mono). */
    public ControllerConfig withLine(LineFormat format) {
        return new ControllerConfig(communeFile, dataDir, brokerUrl, mqttHost, mqttPort, username, password, topicRoot,
                httpHost, httpPort, publicUrl, storeFile, webhook, mqttCa, brokerAccounts, https, storage, format, live, mirrorAllowLocal, listenUrl);
    }

    /** Live channels through Icecast, or another ffmpeg, rather than the defaults. */
    public ControllerConfig withLive(vn.loalang.controller.live.LiveServerSettings settings) {
        return new ControllerConfig(communeFile, dataDir, brokerUrl, mqttHost, mqttPort, username, password, topicRoot,
                httpHost, httpPort, publicUrl, storeFile, webhook, mqttCa, brokerAccounts, https, storage, line, settings, mirrorAllowLocal, listenUrl);
    }

    // issue 19: the mirror
    /** The mirror may send to loopback and link-local addresses ({@code --mirror-allow-local}). */
    public ControllerConfig withMirrorAllowLocal(boolean allow) {
        return new ControllerConfig(communeFile, dataDir, brokerUrl, mqttHost, mqttPort, username, password, topicRoot,
                httpHost, httpPort, publicUrl, storeFile, webhook, mqttCa, brokerAccounts, https, storage, line, live,
                allow, listenUrl);
    }

    public ControllerConfig withTopicRoot(String root) {
        return new ControllerConfig(communeFile, dataDir, brokerUrl, mqttHost, mqttPort, username, password, root,
                httpHost, httpPort, publicUrl, storeFile, webhook, mqttCa, brokerAccounts, https, storage, line, live, mirrorAllowLocal, listenUrl);
    }

    // issue 19: where residents reach "Nghe lại" (--listen-url)
    public ControllerConfig withListenUrl(URI url) {
        return new ControllerConfig(communeFile, dataDir, brokerUrl, mqttHost, mqttPort, username, password, topicRoot,
                httpHost, httpPort, publicUrl, storeFile, webhook, mqttCa, brokerAccounts, https, storage, line, live,
                mirrorAllowLocal, url);
    }
}
