package vn.loalang.protocol.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.MalformedMessageException;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.EnvelopeVerifier;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.testing.ManualClock;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An alert's priority and preamble are enums on both sides and their names on the wire. A controller
 * sends only the ones it knows, and what people type is read strictly; an agent reads any name, so a
 * priority a newer controller adds is played as the highest it knows instead of being refused.
 */
class AlertPriorityTest {
    private static final String TOPIC = "loalang/v1/zone/thon-dong/alert/lu-2026-12-08";
    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T23:01:00Z"));

    @Test
    void aPriorityAndAPreambleANewerControllerAddsAreReadAsUnrecognizedAndPlayedAsTheHighestKnown() throws Exception {
        ObjectNode payload = goldenAlertPayload();
        payload.put("priority", "EVACUATION");
        payload.put("preamble", "HORN");
        KeyPair newer = Ed25519Keys.generate();
        byte[] signed = new EnvelopeSigner("newer-controller", newer.getPrivate(), clock)
                .sign(MessageType.ALERT, TOPIC, payload, Instant.parse("2026-12-08T01:00:00Z"));

        Alert a = new EnvelopeVerifier(Map.of("newer-controller", newer.getPublic()), clock, Duration.ofSeconds(30))
                .verify(TOPIC, MessageType.ALERT, signed, Alert.class).payload();

        assertEquals(AlertPriority.UNRECOGNIZED, a.priority());
        assertEquals(AlertPriority.EMERGENCY, a.priority().heardAs());
        assertTrue(a.emergency(), "pre-empts everything: an alert the commune signed is never left unheard");
        assertEquals(AlertPreamble.UNRECOGNIZED, a.preamble());
        assertEquals(AlertPreamble.SIREN, a.preamble().heardAs());
        assertTrue(a.unrecognized(), "so the agent can say so in its event");
        assertEquals(3, a.repeats(), "the rest of the alert reads as sent");
    }

    @Test
    void theKnownOnesReadAsThemselvesAndAreWrittenAsTheirNames() throws Exception {
        Alert a = Json.read(goldenAlertPayload(), Alert.class);
        assertEquals(AlertPriority.EMERGENCY, a.priority());
        assertEquals(AlertPreamble.SIREN, a.preamble());
        assertFalse(a.unrecognized());
        assertEquals("\"WARNING\"", new String(Json.write(AlertPriority.WARNING), StandardCharsets.UTF_8));
        assertEquals("\"CHIME\"", new String(Json.write(AlertPreamble.CHIME), StandardCharsets.UTF_8));

        ObjectNode noPreamble = goldenAlertPayload();
        noPreamble.remove("preamble");
        assertEquals(Alert.DEFAULT_PREAMBLE, Json.read(noPreamble, Alert.class).preamble(), "absent: the siren, as before");
        ObjectNode noPriority = goldenAlertPayload();
        noPriority.remove("priority");
        assertTrue(assertThrows(MalformedMessageException.class, () -> Json.read(noPriority, Alert.class)).getMessage()
                .contains("priority is missing"), "an alert without a priority is still refused");
        assertNull(AlertPriority.fromWire(null));
    }

    @Test
    void whatPeopleTypeIsOneAControllerSendsOrRefused() {
        assertEquals(AlertPriority.WARNING, AlertPriority.of("WARNING"));
        for (String typed : new String[]{"urgent", "emergency", "UNRECOGNIZED"}) {
            assertEquals("priority '" + typed + "' is not WARNING or EMERGENCY",
                    assertThrows(IllegalArgumentException.class, () -> AlertPriority.of(typed)).getMessage());
        }
        assertEquals(AlertPreamble.SIREN, AlertPreamble.of(null), "not given: the controller's default");
        assertThrows(IllegalArgumentException.class, () -> AlertPreamble.of("UNRECOGNIZED"));
        assertEquals(java.util.Set.of("EMERGENCY", "WARNING"), Alert.PRIORITIES, "what the tools offer");
        assertEquals(java.util.Set.of("SIREN", "CHIME", "NONE"), Alert.PREAMBLES);
    }

    /** The payload of the golden alert of schema 1, as a controller of that schema signed it. */
    private static ObjectNode goldenAlertPayload() throws IOException {
        try (InputStream in = AlertPriorityTest.class.getResourceAsStream("/golden/schema-1/alert.json")) {
            JsonNode envelope = Json.mapper().readTree(in.readAllBytes());
            JsonNode body = Json.mapper().readTree(Base64.getDecoder().decode(envelope.get("body").asText()));
            return (ObjectNode) body.get("payload").deepCopy();
        }
    }
}
