package vn.loalang.controller.alert;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.speech.EspeakSpeechEngine;
import vn.loalang.audio.speech.SpeechEngine;
import vn.loalang.audio.speech.VietnameseReading;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.content.LibraryCatalog;
import vn.loalang.controller.content.LibraryItem;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.testing.ManualClock;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A typed alert reaches the real espeak-ng with its numbers, units and times written out in Vietnamese words (issue
 * 19, decision 0043): the engine below is espeak-ng itself, only noting the text it was handed.
 */
class SpokenTextTest {
    private static final Instant T0 = Instant.parse("2026-12-06T14:00:00Z");

    @TempDir
    Path dir;
    private Store store;
    private LibraryCatalog library;
    private final List<String> handed = new ArrayList<>();
    private final SpeechEngine espeak = new EspeakSpeechEngine();
    private final SpeechEngine noting = (text, language, outputDir) -> {
        handed.add(language + ": " + text);
        return espeak.speak(text, language, outputDir);
    };

    @BeforeEach
    void library() throws Exception {
        ManualClock clock = new ManualClock(T0);
        store = Store.open(dir.resolve("loalang.db"));
        library = LibraryCatalog.open(store, dir.resolve("content"), -16, new AuditLog(clock), clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aTypedFloodWarningIsSpokenInWordsNotDigits() {
        SpokenText spoken = new SpokenText(noting, library, dir.resolve("speech"));
        LibraryItem item = spoken.speak("truong.tay", "Lũ", "Mực nước 2,5 m lúc 17h, bà con lên chỗ cao.", "vi",
                LocalDate.of(2026, 12, 8));

        assertEquals(List.of("vi: Mực nước hai phẩy năm mét lúc mười bảy giờ, bà con lên chỗ cao."), handed);
        assertTrue(item.duration().toMillis() > 3000, "the words were spoken and kept: " + item.duration());
    }

    @Test
    void theSouthernReadingWhenTheCommuneSpeaksThatWay() {
        SpokenText spoken = new SpokenText(noting, library, dir.resolve("speech"),
                VietnameseReading.of(VietnameseReading.Dialect.SOUTH));
        spoken.speak("truong.tay", "Hỗ trợ", "Hỗ trợ 1.500.000 đ mỗi hộ.", "vi-vn-x-south", LocalDate.of(2026, 12, 8));

        assertEquals(List.of("vi-vn-x-south: Hỗ trợ một triệu năm trăm ngàn đồng mỗi hộ."), handed);
    }

    @Test
    void anotherLanguagesTextIsSpokenAsTyped() {
        new SpokenText(noting, library, dir.resolve("speech"))
                .speak("truong.tay", "Flood", "Water at 2,5 m by 17h.", "en", LocalDate.of(2026, 12, 8));

        assertEquals(List.of("en: Water at 2,5 m by 17h."), handed);
    }

    /** 1,900 characters typed, over 2,000 once read: refused with both lengths, before the engine is asked. */
    @Test
    void aTextThatOutgrowsTheLimitOnceReadIsRefusedWithBothLengths() {
        String typed = "Giá 12.500 đ/kg. ".repeat(111);
        ChangeException refused = assertThrows(ChangeException.class, () -> new SpokenText(noting, library,
                dir.resolve("speech")).speak("truong.tay", "Giá", typed, "vi", LocalDate.of(2026, 12, 8)));

        assertTrue(refused.getMessage().contains("Văn bản có " + typed.length() + " ký tự"), refused.getMessage());
        assertEquals(List.of(), handed);
    }
}
