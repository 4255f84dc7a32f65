package vn.loalang.agent.testing;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;

/**
 * Registered for every test class of this module (see junit-platform.properties): Awaitility polls
 * every 10 ms instead of its default 100 ms, since most conditions here hold within milliseconds,
 * and gives up after 10 s.
 */
public final class AwaitilityDefaults implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        Awaitility.setDefaultPollInterval(Duration.ofMillis(10));
        Awaitility.setDefaultPollDelay(Duration.ZERO);
        Awaitility.setDefaultTimeout(Duration.ofSeconds(10));
    }
}
