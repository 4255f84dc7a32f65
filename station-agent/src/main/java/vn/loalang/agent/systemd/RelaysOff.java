package vn.loalang.agent.systemd;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.agent.AgentConfig;
import vn.loalang.agent.relay.Amplifiers;
import vn.loalang.agent.relay.RelayBank;

import java.util.function.Function;

/**
 * {@code --relays-off}, what systemd runs after every stop of the agent ({@code ExecStopPost}), be it
 * a clean stop, a crash or a kill: claims the relay pins at their OFF level and leaves them so. It
 * starts nothing else: no link, no playout.
 */
public final class RelaysOff {
    private static final Logger log = LoggerFactory.getLogger(RelaysOff.class);

    private RelaysOff() {
    }

    /**
     * @param open builds the relay bank (every output created OFF); closing it switches them OFF again
     * @return the exit status: 0 when every relay is OFF, 1 when one could not be switched
     */
    public static int run(AgentConfig config, Function<AgentConfig.Gpio, RelayBank> open) {
        String id = config.stationId();
        try (Amplifiers amplifiers = Amplifiers.offOnly(id, open.apply(config.gpio()))) {
            amplifiers.failSafe();
        } catch (RuntimeException e) {
            log.error("Station {} could not force its amplifier relays OFF after the agent stopped: {}. "
                    + "Check the relay board and that user loalang is in group gpio; switch the amplifiers off by hand "
                    + "if they are on", id, e.toString());
            return 1;
        }
        log.info("Station {} forced its amplifier relays OFF after the agent stopped: {}", id,
                config.gpio().relays().stream().map(r -> r.name() + "@GPIO" + r.pin()).toList());
        return 0;
    }
}
