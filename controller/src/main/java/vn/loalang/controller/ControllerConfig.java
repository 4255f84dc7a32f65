package vn.loalang.controller;

import vn.loalang.protocol.Topics;

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
 */
public record ControllerConfig(Path communeFile, Path dataDir, String brokerUrl, String mqttHost, int mqttPort,
                               String username, String password, String topicRoot, String httpHost, int httpPort,
                               URI publicUrl, Path storeFile, URI webhook) {
    public ControllerConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        mqttHost = mqttHost == null ? "127.0.0.1" : mqttHost;
        mqttPort = mqttPort == 0 ? 1883 : mqttPort;
        topicRoot = topicRoot == null ? Topics.DEFAULT_ROOT : topicRoot;
        httpHost = httpHost == null ? "127.0.0.1" : httpHost;
        httpPort = httpPort == 0 ? 8080 : httpPort;
    }

    public boolean embeddedBroker() {
        return brokerUrl == null;
    }

    public static ControllerConfig of(Path communeFile, Path dataDir) {
        return new ControllerConfig(communeFile, dataDir, null, null, 0, null, null, null, null, 0, null, null, null);
    }

    public ControllerConfig withEmbeddedBroker(String host, int port) {
        return new ControllerConfig(communeFile, dataDir, null, host, port, username, password, topicRoot, httpHost,
                httpPort, publicUrl, storeFile, webhook);
    }

    public ControllerConfig withExternalBroker(String url, String user, String pass) {
        return new ControllerConfig(communeFile, dataDir, url, mqttHost, mqttPort, user, pass, topicRoot, httpHost,
                httpPort, publicUrl, storeFile, webhook);
    }

    public ControllerConfig withHttp(String host, int port, URI publicUrl) {
        return new ControllerConfig(communeFile, dataDir, brokerUrl, mqttHost, mqttPort, username, password, topicRoot,
                host, port, publicUrl, storeFile, webhook);
    }

    /** The SQLite store; by default {@code loalang.db} in the data directory. */
    public ControllerConfig withStoreFile(Path file) {
        return new ControllerConfig(communeFile, dataDir, brokerUrl, mqttHost, mqttPort, username, password, topicRoot,
                httpHost, httpPort, publicUrl, file, webhook);
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
                httpHost, httpPort, publicUrl, storeFile, url);
    }

    public ControllerConfig withTopicRoot(String root) {
        return new ControllerConfig(communeFile, dataDir, brokerUrl, mqttHost, mqttPort, username, password, root,
                httpHost, httpPort, publicUrl, storeFile, webhook);
    }
}
