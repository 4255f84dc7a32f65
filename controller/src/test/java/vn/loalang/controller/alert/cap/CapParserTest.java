package vn.loalang.controller.alert.cap;

import org.junit.jupiter.api.Test;
import vn.loalang.controller.alert.cap.CapAlert.MsgType;
import vn.loalang.controller.alert.cap.CapAlert.Reference;
import vn.loalang.controller.alert.cap.CapAlert.Scope;
import vn.loalang.controller.alert.cap.CapAlert.Status;
import vn.loalang.controller.alert.cap.CapArea.Circle;
import vn.loalang.controller.alert.cap.CapInfo.Category;
import vn.loalang.controller.alert.cap.CapInfo.Certainty;
import vn.loalang.controller.alert.cap.CapInfo.Severity;
import vn.loalang.controller.alert.cap.CapInfo.Urgency;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the parser reads from well-formed CAP 1.2 messages. */
class CapParserTest {
    @Test
    void readsTheEnvelopeOfAVietnameseFloodWarning() throws Exception {
        CapAlert alert = SampleAlerts.parse("flood-mekong-vi.xml");

        assertEquals("VN-NCHMF-2026-LU-1015-03", alert.identifier());
        assertEquals("canhbao@nchmf.gov.vn", alert.sender());
        assertEquals(OffsetDateTime.parse("2026-10-15T06:00:00+07:00"), alert.sent());
        assertEquals(Status.Actual, alert.status());
        assertEquals(MsgType.Alert, alert.msgType());
        assertEquals(Scope.Public, alert.scope());
        assertEquals(List.of(), alert.references());
        assertEquals("Bản tin cảnh báo lũ số 03", alert.note());
        assertEquals(List.of("vi-VN", "en-US"), alert.infos().stream().map(CapInfo::language).toList());
    }

    @Test
    void readsAnInfoBlockWithItsTimesWordsResourcesAndGeocodes() throws Exception {
        CapInfo info = SampleAlerts.parse("flood-mekong-vi.xml").infos().get(0);

        assertEquals(List.of(Category.Met, Category.Geo), info.categories());
        assertEquals("Lũ trên sông Tiền, sông Hậu", info.event());
        assertEquals(Urgency.Expected, info.urgency());
        assertEquals(Severity.Severe, info.severity());
        assertEquals(Certainty.Likely, info.certainty());
        assertEquals(OffsetDateTime.parse("2026-10-15T06:00:00+07:00"), info.effective());
        assertEquals(OffsetDateTime.parse("2026-10-16T00:00:00+07:00"), info.onset());
        assertEquals(Instant.parse("2026-10-18T11:00:00Z"), info.expires().toInstant());
        assertEquals("Trung tâm Dự báo khí tượng thủy văn quốc gia", info.senderName());
        assertEquals("Cảnh báo lũ trên sông Tiền, sông Hậu, rủi ro thiên tai cấp 2", info.headline());
        assertTrue(info.description().startsWith("Mực nước tại Tân Châu và Châu Đốc đang lên."), info.description());
        assertTrue(info.instruction().startsWith("Gia cố bờ bao, đê bao;"), info.instruction());

        assertEquals(List.of(
                new CapResource("Bản đồ vùng ngập dự kiến", "image/png", null,
                        URI.create("https://canhbao.example.vn/cap/2026/lu-1015-03.png"), null),
                new CapResource("Bản tin đọc sẵn", "audio/mpeg", 482304L,
                        URI.create("https://canhbao.example.vn/cap/2026/lu-1015-03.mp3"),
                        "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12")), info.resources());

        assertEquals(List.of("Các xã ven sông Tiền, tỉnh Đồng Tháp", "Tỉnh An Giang"),
                info.areas().stream().map(CapArea::areaDesc).toList());
        assertEquals(Map.of("ma-dvhc", List.of("30316", "30325")), info.areas().get(0).geocodes());
        assertEquals(Map.of("ISO3166-2", List.of("VN-44")), info.areas().get(1).geocodes());
        assertEquals(List.of(), info.areas().get(0).polygons());
    }

    @Test
    void readsAPrefixedUpdateWithItsReferenceAndCircleAndSkipsTheSignature() throws Exception {
        CapAlert alert = SampleAlerts.parse("typhoon-update.xml");

        assertEquals(MsgType.Update, alert.msgType());
        assertEquals(List.of(new Reference("canhbao@nchmf.gov.vn", "VN-NCHMF-2026-BAO-1027-04",
                OffsetDateTime.parse("2026-10-27T04:00:00+07:00"))), alert.references());
        assertEquals(2, alert.infos().size());
        CapArea area = alert.infos().get(1).areas().get(0);
        assertEquals(List.of(new Circle(new LatLon(16.10, 108.90), 120)), area.circles());
        assertEquals("audio/ogg", alert.infos().get(1).resources().get(0).mimeType());
    }

    @Test
    void readsAPolygonAsAClosedRing() throws Exception {
        CapArea area = SampleAlerts.parse("flash-flood-polygon.xml").infos().get(0).areas().get(0);

        assertEquals(List.of(new LatLon(17.30, 106.60), new LatLon(17.30, 106.95), new LatLon(17.10, 106.95),
                new LatLon(17.10, 106.60), new LatLon(17.30, 106.60)), area.polygons().get(0).points());
    }

    @Test
    void readsACancelThatHasNoInfo() throws Exception {
        CapAlert alert = SampleAlerts.parse("flood-cancel.xml");

        assertEquals(MsgType.Cancel, alert.msgType());
        assertEquals(List.of(), alert.infos());
        assertEquals("VN-NCHMF-2026-LU-1015-03", alert.references().get(0).identifier());
    }

    @Test
    void anInfoWithoutLanguageIsUsEnglishAsCapSays() throws Exception {
        CapAlert alert = SampleAlerts.parseXml(SampleAlerts.with("flash-flood-polygon.xml",
                "<language>vi-VN</language>", ""));

        assertEquals("en-US", alert.infos().get(0).language());
    }

    @Test
    void optionalElementsLeftOutAreNull() throws Exception {
        CapInfo info = SampleAlerts.parse("test-status.xml").infos().get(0);

        assertNull(info.expires());
        assertNull(info.description());
        assertNull(info.senderName());
        assertEquals(List.of(), info.resources());
    }

    @Test
    void aUtcTimeWrittenWithZOrMinusZeroIsRead() throws Exception {
        String xml = SampleAlerts.with("flash-flood-polygon.xml", "<sent>2026-11-03T15:30:00+07:00</sent>",
                "<sent>2026-11-03T08:30:00Z</sent>");
        xml = SampleAlerts.replace(xml, "2026-11-04T15:30:00+07:00", "2026-11-04T08:30:00-00:00");

        CapAlert alert = SampleAlerts.parseXml(xml);

        assertEquals(Instant.parse("2026-11-03T08:30:00Z"), alert.sent().toInstant());
        assertEquals(Instant.parse("2026-11-04T08:30:00Z"), alert.infos().get(0).expires().toInstant());
    }

    @Test
    void readsFromAStream() throws Exception {
        byte[] bytes = SampleAlerts.text("flood-cancel.xml").getBytes(StandardCharsets.UTF_8);

        CapAlert alert = new CapParser().parse(new ByteArrayInputStream(bytes));

        assertEquals("VN-NCHMF-2026-LU-1018-01", alert.identifier());
    }
}
