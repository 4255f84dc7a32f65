package vn.loalang.agent.update;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.protocol.signing.ReleaseSignature;
import vn.loalang.protocol.station.Command;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.Release;
import vn.loalang.protocol.station.StationEvent;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The agent's half of an update over the air. On an UPDATE it checks the release key's signature,
 * downloads the build beside the running one ({@link ReleaseDownload}) and restarts; the unit's
 * start script ({@code loalang-update boot}, root, no Java) then puts the build on trial. A version
 * on trial has {@code update.trialSeconds} to connect, send a report and pass its self-test; it then
 * writes {@code healthy}. If it does not, it ends itself, and a version that cannot even start ends
 * anyway: either way the start script finds no {@code healthy} and goes back to the version before.
 * The rollback is decided by that script, never by the new jar. The UPDATE command is answered once
 * its fate is known, by whichever version runs then.
 */
public final class Updates implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Updates.class);
    private static final Duration CHECK_EVERY = Duration.ofSeconds(1);

    /** What an update needs from the running station. */
    public interface Station {
        void record(StationEvent.Draft event);

        boolean connected();

        /** Whether a report (telemetry) reached the broker since this agent started. */
        boolean reported();

        /** What is wrong with the station's own parts; empty when relays, config and sound output check out. */
        List<String> selfTest();

        /** Whether a service manager would start the agent again after it ends. */
        boolean supervised();

        /** Ends the agent for its service manager to start it again (through the start script). */
        void restart();
    }

    private final String stationId;
    private final String version;
    private final UpdateFiles files;
    private final UpdateConfig config;
    private final ReleaseDownload download;
    private final Station station;
    private final ScheduledExecutorService worker;

    public Updates(String stationId, String version, UpdateFiles files, UpdateConfig config, SSLContext tls,
                   Station station) {
        this.stationId = stationId;
        this.version = version;
        this.files = files;
        this.config = config;
        this.download = new ReleaseDownload(tls);
        this.station = station;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "update-" + stationId);
            t.setDaemon(true);
            return t;
        });
    }

    /** Reports how the last update ended, and starts this version's trial if it is on one. */
    public void start() {
        try {
            reportResult();
            Optional<String> trial = files.trial();
            if (trial.isPresent() && trial.get().equals(version)) {
                long deadline = System.nanoTime() + config.trial().toNanos();
                log.info("Station {} runs agent {} on trial: it has {} s to connect, report and pass its self-test",
                        stationId, version, config.trial().toSeconds());
                worker.schedule(() -> checkTrial(deadline), CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
            } else if (trial.isPresent()) {
                log.warn("Station {} runs agent {}, not the version {} on trial: the start script will decide at the next start",
                        stationId, version, trial.get());
            }
        } catch (IOException e) {
            log.error("Station {} cannot read its update state in {}: {}", stationId, files.dir(), e.toString());
        }
    }

    /** An UPDATE the signed inbox accepted: refused here, or downloaded on the update thread and restarted into. */
    public void offer(Command command) {
        Release r = command.release();
        PublicKey key = config.publicKeys().get(r.keyId());
        if (key == null) {
            done(command, EventReason.RELEASE_REFUSED, "release key " + r.keyId() + " is not one of this station's "
                    + config.releaseKeys().keySet() + "; " + r.version() + " not installed");
        } else if (!ReleaseSignature.verify(key, r.version(), r.sha256(), r.size(), r.signature())) {
            done(command, EventReason.RELEASE_REFUSED, "the release signature of " + r.version()
                    + " does not verify with key " + r.keyId() + "; not installed");
        } else if (r.version().equals(version)) {
            done(command, EventReason.RELEASE_REFUSED, "agent " + version + " already runs here; nothing to install");
        } else if (!station.supervised()) {
            done(command, EventReason.NOT_SUPERVISED, "no service manager would start the new version; not installed");
        } else {
            log.info("Station {} downloads agent {} from {} ({} bytes) for command {}", stationId, r.version(), r.url(),
                    r.size(), command.id());
            worker.execute(() -> install(command));
        }
    }

    private void install(Command command) {
        Release r = command.release();
        try {
            download.stage(r, files);
            files.writePending(command.id());
            log.info("Station {} staged agent {} beside {} (SHA-256 verified); restarting into it on trial", stationId,
                    r.version(), version);
            station.restart();
        } catch (ReleaseDownload.FailedException e) {
            done(command, e.getMessage().contains("SHA-256") ? EventReason.HASH_MISMATCH
                    : e.getMessage().contains("larger") ? EventReason.OVERSIZED : EventReason.DOWNLOAD_FAILED,
                    e.getMessage() + "; " + version + " keeps running");
        } catch (IOException e) {
            done(command, EventReason.DOWNLOAD_FAILED, "download of " + r.version() + " failed: " + e.getMessage()
                    + "; " + version + " keeps running");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            done(command, EventReason.DOWNLOAD_FAILED, "download of " + r.version() + " failed: " + e + "; "
                    + version + " keeps running");
        }
    }

    private void checkTrial(long deadline) {
        List<String> missing = new ArrayList<>();
        if (!station.connected()) {
            missing.add("not connected to the broker");
        } else if (!station.reported()) {
            missing.add("no report sent yet");
        } else {
            // Only once linked and heard: the self-test opens the sound output, not to be done every second.
            try {
                missing.addAll(station.selfTest());
            } catch (RuntimeException e) {
                missing.add("self-test failed: " + e);
            }
        }
        if (missing.isEmpty()) {
            passed();
        } else if (System.nanoTime() - deadline >= 0) {
            // Not healthy in time: end, and the start script goes back to the version before.
            log.error("Station {} agent {} failed its trial in {} s ({}): ending for the start script to roll back",
                    stationId, version, config.trial().toSeconds(), String.join("; ", missing));
            station.restart();
        } else {
            worker.schedule(() -> checkTrial(deadline), CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void passed() {
        try {
            files.writeHealthy(version);
            log.info("Station {} agent {} passed its trial (connected, reported, self-test): kept", stationId, version);
            Optional<String> pending = files.pending();
            if (pending.isPresent()) {
                station.record(StationEvent.of(EventType.COMMAND_DONE).session(pending.get())
                        .detail("UPDATE: agent " + version + " installed; it connected, reported and passed its self-test"));
                files.forget("pending");
            }
        } catch (IOException e) {
            // Without the mark the start script rolls back at the next start: safe, and said here.
            log.error("Station {} agent {} passed its trial but cannot mark it healthy in {}: {}", stationId, version,
                    files.dir(), e.toString());
        }
    }

    /** What the start script decided at this start, answered to the UPDATE that asked for it. */
    private void reportResult() throws IOException {
        Optional<String> result = files.result();
        if (result.isEmpty()) {
            return;
        }
        String[] words = result.get().split("\\s+", 3);
        String outcome = words[0];
        String tried = words.length > 1 ? words[1] : "?";
        Optional<String> pending = files.pending();
        switch (outcome) {
            case "ADOPTED" -> log.info("Station {} adopted agent {}", stationId, tried);
            case "ROLLED_BACK" -> {
                log.warn("Station {} rolled back from agent {} to {}: it did not pass its trial", stationId, tried, version);
                pending.ifPresent(id -> done(id, EventReason.ROLLED_BACK, "agent " + tried
                        + " did not connect, report and pass its self-test in time; rolled back to " + version));
            }
            default -> {
                String why = words.length > 2 ? words[2] : "";
                log.warn("Station {} start script did not install agent {}: {} {}", stationId, tried, outcome, why);
                pending.ifPresent(id -> done(id, EventReason.RELEASE_REFUSED, "the start script did not install "
                        + tried + ": " + why + "; " + version + " keeps running"));
            }
        }
        if (!outcome.equals("ADOPTED")) {
            files.forget("pending");
        }
        files.forget("result");
    }

    private void done(Command command, EventReason reason, String detail) {
        log.warn("Station {} command {} UPDATE: {}", stationId, command.id(), detail);
        done(command.id(), reason, detail);
    }

    private void done(String commandId, EventReason reason, String detail) {
        station.record(StationEvent.of(EventType.COMMAND_DONE).session(commandId).reason(reason)
                .detail("UPDATE: " + detail));
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
