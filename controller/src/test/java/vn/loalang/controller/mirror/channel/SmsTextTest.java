package vn.loalang.controller.mirror.channel;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SmsTextTest {
    private static final String LINK = "https://xa-hung-thuy.vn/nghe-lai/canh-bao/4127?n=sms";

    @Test
    void vietnameseLosesItsDiacriticsForGsm() {
        assertEquals("Canh bao lu: Duong Dong Ha ngap sau 0,5 m - di duong khac...",
                SmsText.gsm("Cảnh báo lũ: Đường Đông Hà ngập sâu 0,5 m — đi đường khác…"));
        assertEquals("CANH BAO KHAN", SmsText.gsm("🔴 CẢNH BÁO KHẨN"));
        assertEquals("\"Nuoc len\" 'nhanh'", SmsText.gsm("“Nước lên” ‘nhanh’"));
    }

    @Test
    void segmentsAreCountedAsTheNetworkDoes() {
        assertEquals(1, SmsText.segments("a".repeat(160), false));
        assertEquals(2, SmsText.segments("a".repeat(161), false));
        assertEquals(2, SmsText.segments("a".repeat(306), false));
        assertEquals(3, SmsText.segments("a".repeat(307), false));
        assertEquals(1, SmsText.segments("[".repeat(80), false), "two septets each");
        assertEquals(2, SmsText.segments("[".repeat(81), false));
        assertEquals(1, SmsText.segments("ă".repeat(70), true));
        assertEquals(2, SmsText.segments("ă".repeat(71), true));
        assertEquals(3, SmsText.segments("ă".repeat(135), true));
        assertEquals(2, SmsText.segments("🔴".repeat(35) + "a", true), "an emoji is two UCS-2 units");
    }

    @Test
    void aLongAlertIsCutAfterASentenceAndKeepsItsLink() {
        String text = Fixtures.ALERT_TEXT + "\nNghe lại: " + LINK;

        String one = SmsText.fit(text, 1, false);
        String two = SmsText.fit(text, 2, false);

        assertTrue(SmsText.segments(one, false) == 1, one);
        assertTrue(one.endsWith("\nNghe lai: " + LINK), one);
        assertTrue(two.startsWith("CANH BAO KHAN - Lu tren song Kien Giang\nMuc nuoc"), two);
        assertTrue(two.endsWith(".\nNghe lai: " + LINK), two);
        assertTrue(SmsText.segments(two, false) <= 2, two);
    }

    @Test
    void withNoSentenceThatFitsTheCutIsAtAWordWithAnEllipsis() {
        String text = "Mot cau rat dai khong co dau cham nao ca " + "va cu tiep tuc ".repeat(30) + "\n" + LINK;

        String fitted = SmsText.fit(text, 1, false);

        assertTrue(fitted.matches("(?s)Mot cau rat dai .*[a-z]\\.\\.\\.\n" + java.util.regex.Pattern.quote(LINK)), fitted);
    }

    @Test
    void aTextThatFitsIsUntouched() {
        assertEquals("Hop thon luc 19h.\n" + LINK, SmsText.fit("Họp thôn lúc 19h.\n" + LINK, 1, false));
        assertEquals("Họp thôn lúc 19h.", SmsText.fit("Họp thôn lúc 19h.", 1, true));
        assertEquals("CẢNH BÁO KHẨN", SmsText.fit("🔴 CẢNH BÁO KHẨN ⚠️", 1, true),
                "emoji cost two units and show as boxes on basic phones");
    }

    @Test
    void atLeastOneSegment() {
        assertThrows(IllegalArgumentException.class, () -> SmsText.fit("x", 0, false));
    }

    @Property(tries = 400, seed = "1919")
    void neverMoreSegmentsThanAllowedAndTheLinkIsAlwaysThere(@ForAll("texts") String body,
                                                              @ForAll("links") String link,
                                                              @ForAll @IntRange(min = 1, max = 6) int maxSegments,
                                                              @ForAll boolean unicode) {
        String fitted = SmsText.fit(body + "\nNghe lại: " + link, maxSegments, unicode);

        assertTrue(SmsText.segments(fitted, unicode) <= maxSegments, fitted);
        assertTrue(fitted.contains(link), fitted);
    }

    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> word = Arbitraries.of("lũ", "sông", "Kiến", "Giang", "đang", "lên", "nhanh", "di", "chuyển",
                "người", "già", "{giá}", "12.500", "đồng/kg", "🔴", "“khẩn”", "—", "ngập", "ĐƯỜNG", "ơ", "ư",
                "Cầu", "Đá", "[thôn]", "€", "nhà văn hoá");
        Arbitrary<String> sentence = word.list().ofMinSize(1).ofMaxSize(25)
                .map(ws -> String.join(" ", ws))
                .flatMap(s -> Arbitraries.of(".", "!", "?", "", "\n", "…").map(end -> s + end));
        return sentence.list().ofMinSize(0).ofMaxSize(30).map(ss -> String.join(" ", ss));
    }

    @Provide
    Arbitrary<String> links() {
        return Combinators.combine(Arbitraries.of("thon-dong", "thon-tay", "canh-bao"),
                        Arbitraries.integers().between(1, 999_999),
                        Arbitraries.of(List.of("sms", "zalo")))
                .as((v, n, s) -> "https://xa-hung-thuy.vn/nghe-lai/" + v + "/" + n + "?n=" + s);
    }
}
