package vn.loalang.controller.alert.cap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import vn.loalang.controller.alert.cap.CapInfo.Certainty;
import vn.loalang.controller.alert.cap.CapInfo.Severity;
import vn.loalang.controller.alert.cap.CapInfo.Urgency;
import vn.loalang.controller.alert.cap.CapMapping.Announcement;
import vn.loalang.controller.alert.cap.CapMapping.Decision;
import vn.loalang.controller.alert.cap.CapMapping.Decision.Kind;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decision rule on the sample alerts. Two communes: one on the Tiền river in Đồng Tháp (villages
 * known by their administrative codes), one on the coast of central Vietnam (villages known by where
 * their stations stand).
 */
class CapMappingTest {
    private static final String FLOOD = "flood-mekong-vi.xml";
    private static final String TYPHOON = "typhoon-update.xml";
    private static final String POLYGON = "flash-flood-polygon.xml";

    private static final List<VillageArea> DONG_THAP = List.of(
            new VillageArea("ap-binh-thanh", Set.of("30316", "VN-45"), List.of()),
            new VillageArea("ap-tan-phu", Set.of("30325", "VN-45"), List.of(new LatLon(10.86, 105.43))),
            new VillageArea("ap-moi", Set.of("30399", "VN-45"), List.of()));
    private static final List<VillageArea> CENTRAL_COAST = List.of(
            new VillageArea("thon-hoi-an", Set.of(), List.of(new LatLon(15.880, 108.338))),
            new VillageArea("thon-kien-giang", Set.of(), List.of(new LatLon(17.22, 106.79))),
            new VillageArea("thon-hue", Set.of(), List.of(new LatLon(16.463, 107.590))));

    /** 20 minutes after the flood warning was sent. */
    private static final String FLOOD_NOW = "2026-10-15T06:20:00+07:00";
    private static final String TYPHOON_NOW = "2026-10-27T10:10:00+07:00";
    private static final String POLYGON_NOW = "2026-11-03T15:40:00+07:00";

    @Test
    void aSevereLikelyExpectedFloodGoesOutAtOnceToTheVillagesItsGeocodesName() throws Exception {
        Decision decision = decide(FLOOD, FLOOD_NOW, DONG_THAP);

        assertEquals(Kind.IMMEDIATE, decision.kind());
        assertEquals(List.of("ap-binh-thanh", "ap-tan-phu"), List.copyOf(decision.villages()));
        assertEquals("Phát ngay: Lũ trên sông Tiền, sông Hậu (Expected, Severe, Likely) / broadcast at once:"
                + " Lũ trên sông Tiền, sông Hậu (Expected, Severe, Likely)", decision.reason());
        assertEquals(List.of(), decision.references());
    }

    @Test
    void theVietnameseInfoIsSpokenAsHeadlineDescriptionAndInstructionWithItsRecording() throws Exception {
        Announcement announcement = decide(FLOOD, FLOOD_NOW, DONG_THAP).announcement();

        assertEquals("vi-VN", announcement.info().language());
        assertEquals("Cảnh báo lũ trên sông Tiền, sông Hậu, rủi ro thiên tai cấp 2.\n"
                + "Mực nước tại Tân Châu và Châu Đốc đang lên. Đỉnh lũ dự kiến vượt báo động 2 từ 0,2 đến 0,3 m"
                + " vào ngày 17/10, kết hợp triều cường gây ngập các vùng trũng thấp ven sông.\n"
                + "Gia cố bờ bao, đê bao; thu hoạch sớm lúa và hoa màu ở vùng trũng; không cho trẻ em tắm sông;"
                + " sẵn sàng di dời người già, trẻ nhỏ khi có lệnh.", announcement.text());
        // The map (image/png) comes first in the message; the recording is the first audio.
        assertEquals(URI.create("https://canhbao.example.vn/cap/2026/lu-1015-03.mp3"), announcement.audio().uri());
    }

    @Test
    void aTyphoonUpdateGoesOutAtOnceWithinItsCircleSpokenInVietnameseAndReplacesTheEarlierAlert()
            throws Exception {
        Decision decision = decide(TYPHOON, TYPHOON_NOW, CENTRAL_COAST);

        assertEquals(Kind.IMMEDIATE, decision.kind());
        assertEquals(Set.of("thon-hoi-an"), decision.villages());
        assertEquals(List.of("VN-NCHMF-2026-BAO-1027-04"), identifiers(decision));
        assertEquals("vi-VN", decision.announcement().info().language(), "the Vietnamese block, though second");
        assertTrue(decision.announcement().text().startsWith("Bão số 12 đổ bộ vào đêm nay.\nHồi 10 giờ"),
                decision.announcement().text());
        assertEquals("audio/ogg", decision.announcement().audio().mimeType());
    }

    @Test
    void withoutAVietnameseInfoTheFirstIsSpoken() throws Exception {
        Decision decision = decide(SampleAlerts.with(TYPHOON, "vi-VN", "km-KH"), TYPHOON_NOW, CENTRAL_COAST);

        assertEquals("en-US", decision.announcement().info().language());
        assertEquals("Typhoon No. 12 makes landfall tonight.", decision.announcement().text());
        assertNull(decision.announcement().audio(), "the English block has no recording");
    }

    @Test
    void aCancelWithdrawsTheAlertsItReferences() throws Exception {
        Decision decision = decide("flood-cancel.xml", "2026-10-18T07:05:00+07:00", DONG_THAP);

        assertEquals(Kind.CANCEL, decision.kind());
        assertEquals(List.of("VN-NCHMF-2026-LU-1015-03"), identifiers(decision));
        assertEquals("Hủy bản tin đã gửi: VN-NCHMF-2026-LU-1015-03 / withdraws VN-NCHMF-2026-LU-1015-03",
                decision.reason());
        assertEquals(Set.of(), decision.villages());
        assertNull(decision.announcement());
    }

    @Test
    void aCancelThatNamesNoAlertIsIgnored() throws Exception {
        String xml = SampleAlerts.with("flood-cancel.xml",
                "<references>canhbao@nchmf.gov.vn,VN-NCHMF-2026-LU-1015-03,2026-10-15T06:00:00+07:00</references>", "");

        Decision decision = decide(xml, "2026-10-18T07:05:00+07:00", DONG_THAP);

        assertEquals(Kind.IGNORED, decision.kind());
        assertTrue(decision.reason().endsWith("Cancel names no earlier alert (references is empty)"),
                decision.reason());
    }

    @Test
    void aTestOrAnExerciseNeverReachesALoudspeakerThoughItWouldBeAnEmergency() throws Exception {
        Decision test = decide("test-status.xml", "2026-11-01T09:01:00+07:00", List.of(
                new VillageArea("anywhere", Set.of("VN"), List.of())));
        Decision exercise = decide("exercise-dike-break.xml", "2026-07-10T08:01:00+07:00", DONG_THAP);

        assertEquals(Kind.IGNORED, test.kind());
        assertEquals("Bản tin Test không phải cảnh báo thật, không bao giờ phát ra loa / status Test is not a real"
                + " alert: never broadcast", test.reason());
        assertEquals(Kind.IGNORED, exercise.kind());
        assertTrue(exercise.reason().endsWith("status Exercise is not a real alert: never broadcast"),
                exercise.reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Test", "Exercise", "System", "Draft"})
    void onlyActualAlertsSoundWhateverThePolicy(String status) throws Exception {
        CapPolicy anything = new CapPolicy(EnumSet.allOf(Urgency.class), EnumSet.allOf(Severity.class),
                EnumSet.allOf(Certainty.class), Duration.ofDays(3650));
        CapAlert alert = SampleAlerts.parseXml(SampleAlerts.with(FLOOD, "<status>Actual</status>",
                "<status>" + status + "</status>"));

        Decision decision = new CapMapping(anything, clock(FLOOD_NOW)).decide(alert, DONG_THAP);

        assertEquals(Kind.IGNORED, decision.kind());
        assertEquals(Set.of(), decision.villages());
        assertNull(decision.announcement());
    }

    @Test
    void aTestCancelDoesNotWithdrawTheRealAlert() throws Exception {
        String xml = SampleAlerts.with("flood-cancel.xml", "<status>Actual</status>", "<status>Test</status>");

        Decision decision = decide(xml, "2026-10-18T07:05:00+07:00", DONG_THAP);

        assertEquals(Kind.IGNORED, decision.kind());
        assertEquals(List.of(), decision.references());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Ack", "Error"})
    void anAckOrAnErrorIsBetweenSystemsAndIgnored(String msgType) throws Exception {
        Decision decision = decide(SampleAlerts.with(FLOOD, "<msgType>Alert</msgType>",
                "<msgType>" + msgType + "</msgType>"), FLOOD_NOW, DONG_THAP);

        assertEquals(Kind.IGNORED, decision.kind());
        assertTrue(decision.reason().endsWith("msgType " + msgType + " is between systems: never broadcast"),
                decision.reason());
    }

    @Test
    void aModeratePossibleFlashFloodWaitsForAnOperatorInTheVillagesOfThePolygon() throws Exception {
        Decision decision = decide(POLYGON, POLYGON_NOW, CENTRAL_COAST);

        assertEquals(Kind.NEEDS_CONFIRMATION, decision.kind());
        assertEquals(Set.of("thon-kien-giang"), decision.villages());
        assertEquals("Cần cán bộ xác nhận: Lũ quét, sạt lở đất: mức nghiêm trọng Moderate (phát ngay khi Extreme,"
                + " Severe); độ chắc chắn Possible (phát ngay khi Observed, Likely) / needs an operator: Lũ quét, sạt"
                + " lở đất: severity Moderate (at once only when Extreme, Severe); certainty Possible (at once only"
                + " when Observed, Likely)", decision.reason());
        assertEquals("Nguy cơ lũ quét, sạt lở đất ở vùng núi huyện Lệ Thủy.\n"
                + "Mưa 100–200 mm trong 24 giờ tới ở thượng nguồn sông Kiến Giang.\n"
                + "Không đi qua ngầm, tràn khi nước chảy xiết; theo dõi các vết nứt trên sườn đồi.",
                decision.announcement().text());
        assertNull(decision.announcement().audio());
    }

    @ParameterizedTest
    @CsvSource({
            "<urgency>Expected</urgency>, <urgency>Future</urgency>, 'urgency Future (at once only when Immediate, Expected)'",
            "<severity>Severe</severity>, <severity>Moderate</severity>, 'severity Moderate (at once only when Extreme, Severe)'",
            "<certainty>Likely</certainty>, <certainty>Possible</certainty>, 'certainty Possible (at once only when Observed, Likely)'",
            "<scope>Public</scope>, <scope>Restricted</scope>, scope Restricted is not for the public"})
    void anythingShortOfTheImmediateCornerWaitsForAnOperator(String from, String to, String why) throws Exception {
        Decision decision = decide(SampleAlerts.with(FLOOD, from, to), FLOOD_NOW, DONG_THAP);

        assertEquals(Kind.NEEDS_CONFIRMATION, decision.kind());
        assertTrue(decision.reason().endsWith("needs an operator: Lũ trên sông Tiền, sông Hậu: " + why),
                decision.reason());
        assertEquals(List.of("ap-binh-thanh", "ap-tan-phu"), List.copyOf(decision.villages()));
    }

    @Test
    void anAlertSentLongAgoOrFromAClockFarAheadWaitsForAnOperator() throws Exception {
        Decision replayed = decide(FLOOD, "2026-10-15T09:00:00+07:00", DONG_THAP);
        Decision ahead = decide(FLOOD, "2026-10-15T04:30:00+07:00", DONG_THAP);

        assertEquals(Kind.NEEDS_CONFIRMATION, replayed.kind());
        assertTrue(replayed.reason().endsWith("sent 2026-10-15T06:00+07:00, more than 60 min from now"),
                replayed.reason());
        assertEquals(Kind.NEEDS_CONFIRMATION, ahead.kind());
    }

    @Test
    void aCommuneMayLetModerateWarningsGoOutAtOnce() throws Exception {
        CapPolicy wider = new CapPolicy(CapPolicy.DEFAULT.immediateUrgencies(),
                EnumSet.of(Severity.Extreme, Severity.Severe, Severity.Moderate),
                EnumSet.of(Certainty.Observed, Certainty.Likely, Certainty.Possible), Duration.ofHours(1));

        Decision decision = new CapMapping(wider, clock(POLYGON_NOW))
                .decide(SampleAlerts.parse(POLYGON), CENTRAL_COAST);

        assertEquals(Kind.IMMEDIATE, decision.kind());
    }

    @Test
    void aCommuneMayHaveEveryAlertConfirmed() throws Exception {
        CapPolicy none = new CapPolicy(Set.of(), Set.of(), Set.of(), Duration.ofHours(1));

        Decision decision = new CapMapping(none, clock(TYPHOON_NOW))
                .decide(SampleAlerts.parse(TYPHOON), CENTRAL_COAST);

        assertEquals(Kind.NEEDS_CONFIRMATION, decision.kind());
        assertTrue(decision.reason().contains("severity Extreme (at once only when -)"), decision.reason());
    }

    @Test
    void anExpiredAlertIsIgnoredFromTheMomentItExpires() throws Exception {
        Decision atExpiry = decide(FLOOD, "2026-10-18T18:00:00+07:00", DONG_THAP);
        Decision justBefore = decide(FLOOD, "2026-10-18T17:59:59+07:00", DONG_THAP);

        assertEquals(Kind.IGNORED, atExpiry.kind());
        assertEquals("Bản tin đã hết hạn lúc 2026-10-18T18:00+07:00 / expired at 2026-10-18T18:00+07:00",
                atExpiry.reason());
        assertEquals(Kind.NEEDS_CONFIRMATION, justBefore.kind(), "current, but sent three days ago");
    }

    @Test
    void anAlertForNoVillageOfTheCommuneIsIgnored() throws Exception {
        Decision decision = decide(FLOOD, FLOOD_NOW, CENTRAL_COAST);

        assertEquals(Kind.IGNORED, decision.kind());
        assertEquals("Không có thôn nào của xã trong vùng cảnh báo (Các xã ven sông Tiền, tỉnh Đồng Tháp; Tỉnh An"
                + " Giang; Riverside communes of the Tien river, Dong Thap province; An Giang province) / no village"
                + " of the commune in the area (Các xã ven sông Tiền, tỉnh Đồng Tháp; Tỉnh An Giang; Riverside"
                + " communes of the Tien river, Dong Thap province; An Giang province)", decision.reason());
    }

    @Test
    void anUpdateForElsewhereIsIgnoredButStillReplacesTheEarlierAlert() throws Exception {
        Decision decision = decide(TYPHOON, TYPHOON_NOW, DONG_THAP);

        assertEquals(Kind.IGNORED, decision.kind());
        assertEquals(List.of("VN-NCHMF-2026-BAO-1027-04"), identifiers(decision));
    }

    @Test
    void anAlertWithoutInfoIsIgnored() throws Exception {
        String xml = SampleAlerts.with("flood-cancel.xml", "<msgType>Cancel</msgType>", "<msgType>Alert</msgType>");

        Decision decision = decide(xml, "2026-10-18T07:05:00+07:00", DONG_THAP);

        assertEquals(Kind.IGNORED, decision.kind());
        assertTrue(decision.reason().endsWith("the alert has no info to broadcast"), decision.reason());
    }

    @Test
    void twoInfoBlocksInVietnameseForTheCommuneWaitForAnOperator() throws Exception {
        Decision decision = decide(SampleAlerts.with(FLOOD, "<language>en-US</language>",
                "<language>vi-VN</language>"), FLOOD_NOW, DONG_THAP);

        assertEquals(Kind.NEEDS_CONFIRMATION, decision.kind());
        assertTrue(decision.reason().endsWith("needs an operator: Lũ trên sông Tiền, sông Hậu: info[2] (Flood on"
                + " the Tien and Hau rivers) also covers: ap-binh-thanh, ap-tan-phu"), decision.reason());
        assertEquals("Lũ trên sông Tiền, sông Hậu", decision.announcement().info().event(), "the first is spoken");
    }

    @Test
    void aWarningWithoutWordsSaysItsEvent() throws Exception {
        String xml = SampleAlerts.with(TYPHOON, "<cap:headline>Typhoon No. 12 makes landfall tonight</cap:headline>",
                "");
        xml = SampleAlerts.replace(xml, "vi-VN", "km-KH");

        Decision decision = decide(xml, TYPHOON_NOW, CENTRAL_COAST);

        assertEquals("Typhoon No. 12.", decision.announcement().text());
    }

    private static Decision decide(String sampleOrXml, String now, List<VillageArea> villages) throws CapException {
        CapAlert alert = sampleOrXml.endsWith(".xml") ? SampleAlerts.parse(sampleOrXml) : SampleAlerts.parseXml(sampleOrXml);
        return new CapMapping(CapPolicy.DEFAULT, clock(now)).decide(alert, villages);
    }

    private static Clock clock(String now) {
        return Clock.fixed(OffsetDateTime.parse(now).toInstant(), ZoneId.of("Asia/Ho_Chi_Minh"));
    }

    private static List<String> identifiers(Decision decision) {
        return decision.references().stream().map(CapAlert.Reference::identifier).toList();
    }
}
