package vn.loalang.controller.mirror.channel;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import vn.loalang.controller.mirror.MirrorMessage;

import java.net.URI;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessageTextTest {
    private static MirrorMessage message(String text) {
        return new MirrorMessage(1, MirrorMessage.Kind.SESSION, "thon-dong", "Buổi sáng", text,
                URI.create("https://xa.vn/nghe-lai/thon-dong/"), null, null, 0, Instant.EPOCH);
    }

    @Test
    void aTextWithoutThePageGetsItOnALastLineWithItsSource() {
        assertEquals("Đã phát: Giá cả. Xem thêm https://nongnghiep.vn/gia\nNghe lại: https://xa.vn/nghe-lai/thon-dong/?n=zalo",
                MessageText.withLink(message("Đã phát: Giá cả. Xem thêm https://nongnghiep.vn/gia"), "zalo"));
    }

    @Test
    void thePageWhereTheMirrorWroteItGetsTheSource() {
        assertEquals("Đã phát.\nNghe lại: https://xa.vn/nghe-lai/thon-dong/?n=telegram",
                MessageText.withLink(message("Đã phát.\nNghe lại: https://xa.vn/nghe-lai/thon-dong/"), "telegram"));
        assertEquals("Nghe lại: https://xa.vn/nghe-lai/thon-dong/?n=sms",
                MessageText.withLink(message("Nghe lại: https://xa.vn/nghe-lai/thon-dong/?n=sms"), "zalo"),
                "a source the mirror set is kept");
    }

    @Test
    void aChatTextIsCutAfterItsLastWholeSentence() {
        String text = "Một. Hai ba. Bốn năm sáu bảy.\nNghe lại: https://xa.vn/p";

        assertEquals("Một. Hai ba.\nNghe lại: https://xa.vn/p", MessageText.fit(text, t -> t.length() <= 40, "…"));
        assertEquals("Nghe lại: https://xa.vn/p", MessageText.fit(text, t -> t.length() <= 26, "…"));
        assertEquals("https://xa.vn/p", MessageText.fit(text, t -> t.length() <= 16, "…"));
    }

    @Property(tries = 300, seed = "4096")
    void aChatTextNeverPassesItsLimitAndKeepsItsLinkWhenTheLinkFits(
            @ForAll @StringLength(max = 3000) String body, @ForAll @IntRange(min = 46, max = 4096) int limit) {
        String link = "https://xa.vn/nghe-lai/canh-bao/12?n=telegram"; // 45 characters
        String fitted = MessageText.fit(body.replace("http", "ht") + "\nNghe lại: " + link, t -> t.length() <= limit,
                "…");

        assertTrue(fitted.length() <= limit, fitted.length() + " > " + limit);
        assertTrue(fitted.contains(link), fitted);
    }
}
