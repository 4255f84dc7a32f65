package vn.loalang.controller.mirror;

import org.junit.jupiter.api.Test;
import vn.loalang.controller.alert.AlertService;
import vn.loalang.controller.directory.Commune;

import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Vietnamese texts, word for word, and their links to "Nghe lại" with where the listener came from. */
class MessagesTest {
    private static final Commune COMMUNE = new Commune(new Commune.Settings("xa-an-binh", "Xã An Bình",
            "Asia/Ho_Chi_Minh", null, null),
            List.of(new Commune.Village("thon-dong", "Thôn Đông", null), new Commune.Village("ap-3", "Ấp 3", null),
                    new Commune.Village("cho", "Chợ Mới", null)),
            List.of(), List.of(), null);
    private final Messages messages = new Messages(() -> COMMUNE, () -> URI.create("https://loa.xa-an-binh.vn/"));
    /** 17:30 on 6 December in the commune. */
    private static final Instant UNTIL = Instant.parse("2026-12-06T10:30:00Z");

    @Test
    void anEmergencySaysWhatToDoWhereToHearItAndUntilWhen() {
        AlertService.Published a = new AlertService.Published("20261206-a1", List.of("thon-dong"), "EMERGENCY",
                "Lũ quét", "Nước sông Đà lên nhanh, bà con tránh xa bờ sông.", null, null, "tts-1", UNTIL);

        Messages.Text t = messages.alert(a, ChannelKind.ZALO);

        assertEquals("""
                CẢNH BÁO KHẨN — Lũ quét
                Nước sông Đà lên nhanh, bà con tránh xa bờ sông.
                Nghe lại: https://loa.xa-an-binh.vn/nghe-lai/canh-bao/20261206-a1?n=zalo
                Hiệu lực đến 17:30 06/12/2026 — Xã An Bình""", t.text());
        assertEquals(URI.create("https://loa.xa-an-binh.vn/nghe-lai/canh-bao/20261206-a1?n=zalo"), t.pageUrl());
        assertEquals(URI.create("https://loa.xa-an-binh.vn/nghe-lai/a/canh-bao/20261206-a1.mp3"), t.audioUrl());
        assertEquals("Lũ quét", t.title());
    }

    @Test
    void aCapWarningPrintsItsHeadlineAndInstructionOnceEachWhateverTheSpokenTextSaid() {
        AlertService.Published cut = new AlertService.Published("a2", List.of("thon-dong"), "WARNING", "Bão số 9",
                "Bão số 9 đổ bộ đêm nay.", "Bão số 9 (Noru) gần bờ", "Gia cố nhà cửa, không ra khơi.", null, UNTIL);
        assertEquals("""
                CẢNH BÁO — Bão số 9
                Bão số 9 (Noru) gần bờ
                Bão số 9 đổ bộ đêm nay.
                Hướng dẫn: Gia cố nhà cửa, không ra khơi.
                Nghe lại: https://loa.xa-an-binh.vn/nghe-lai/canh-bao/a2?n=telegram
                Hiệu lực đến 17:30 06/12/2026 — Xã An Bình""", messages.alert(cut, ChannelKind.TELEGRAM).text());

        // CAP's own spoken text already says headline, description and instruction: none is repeated.
        AlertService.Published whole = new AlertService.Published("a3", List.of("thon-dong"), "EMERGENCY",
                "Lũ lớn trên sông Hồng", "Lũ lớn trên sông Hồng.\nMực nước 11,5 m.\nSơ tán khỏi bãi giữa.",
                "Lũ lớn trên sông Hồng", "Sơ tán khỏi bãi giữa.", null, UNTIL);
        String text = messages.alert(whole, ChannelKind.ESMS).text();
        assertEquals(1, text.split("Sơ tán khỏi bãi giữa", -1).length - 1, text);
        assertEquals(1, text.split("Lũ lớn trên sông Hồng\\.", -1).length - 1, text);
        assertFalse(text.contains("Hướng dẫn:"), text);
        assertTrue(text.contains("?n=sms"), "both SMS services count as sms");
    }

    @Test
    void aRecordingWithoutTypedTextStillSaysWhatItIsAndWhereToHearIt() {
        AlertService.Published rec = new AlertService.Published("a4", List.of("thon-dong"), "EMERGENCY", "Cháy rừng",
                null, null, null, "chay-rung", UNTIL);
        assertEquals("""
                CẢNH BÁO KHẨN — Cháy rừng
                Nghe lại: https://loa.xa-an-binh.vn/nghe-lai/canh-bao/a4?n=webhook
                Hiệu lực đến 17:30 06/12/2026 — Xã An Bình""", messages.alert(rec, ChannelKind.WEBHOOK).text());
    }

    @Test
    void aCancelSaysItIsOver() {
        Messages.Text t = messages.cancel(new AlertService.Cancelled("a1", List.of("thon-dong"), "EMERGENCY", "Lũ quét",
                "van.thu", Instant.parse("2026-12-06T09:05:00Z"), UNTIL), ChannelKind.ZALO);
        assertEquals("""
                ĐÃ HUỶ CẢNH BÁO — Lũ quét
                Cảnh báo này đã được huỷ lúc 16:05 06/12/2026. Không cần làm theo nữa.
                Chi tiết: https://loa.xa-an-binh.vn/nghe-lai/canh-bao/a1?n=zalo
                Xã An Bình""", t.text());
        assertEquals(null, t.audioUrl(), "nothing to hear");
    }

    @Test
    void aSessionSummaryNamesWhatPlayedInTheVillageInASentence() {
        List<Messages.PlayedItem> played = List.of(new Messages.PlayedItem("gia-lua", "Giá cả nông sản", "market-prices"),
                new Messages.PlayedItem("bao-hiem", "Bảo hiểm y tế", "health"));
        assertEquals("""
                Buổi sáng 06/12 thôn Đông đã phát: Giá cả nông sản; Bảo hiểm y tế.
                Nghe lại: https://loa.xa-an-binh.vn/nghe-lai/thon-dong/?n=zalo
                Xã An Bình""", messages.session("thon-dong", "Buổi sáng", LocalDate.of(2026, 12, 6), played,
                ChannelKind.ZALO).text());
        assertEquals("Buổi chiều 06/12 ấp 3", messages.session("ap-3", "Buổi chiều", LocalDate.of(2026, 12, 6), played,
                ChannelKind.ZALO).title());
        assertEquals("Buổi chiều 06/12 Chợ Mới", messages.session("cho", "Buổi chiều", LocalDate.of(2026, 12, 6),
                played, ChannelKind.ZALO).title(), "a name without a village word keeps its capital");
    }

    @Test
    void aBulletinIsItsOwnTextWithTheVillagesPage() {
        assertEquals("""
                Bản tin giá cả 06/12
                Lúa IR50404: 7.200 đ/kg, tăng 200 đồng.
                Nghe lại: https://loa.xa-an-binh.vn/nghe-lai/thon-dong/?n=telegram
                Xã An Bình""", messages.bulletin("thon-dong", "Bản tin giá cả 06/12",
                "Lúa IR50404: 7.200 đ/kg, tăng 200 đồng.\n", ChannelKind.TELEGRAM).text());
        assertTrue(messages.test("Zalo xã").text().startsWith("Tin thử của hệ thống loa Xã An Bình qua kênh \"Zalo xã\""));
    }
}
