package vn.loalang.systemtests.support;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.protocol.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A small commune for end-to-end tests: two villages with one station each, the three tone items
 * of the audio fixtures (440 Hz 2 s, 1 kHz 1.5 s, 660 Hz 1 s) and a morning and evening session.
 * Village "thon-dong" plays all three in order; "thon-tay" has its own program: 660 then 440.
 */
public final class TestCommune {
    public static final String ZONE = "Asia/Ho_Chi_Minh";

    private TestCommune() {
    }

    public static Path write(Path dir) throws IOException {
        return write(dir, 0);
    }

    /** The same commune with {@code more} stations in Thôn Đông besides its first: thon-dong-2, thon-dong-3… */
    public static Path write(Path dir, int more) throws IOException {
        Files.createDirectories(dir.resolve("library"));
        for (String f : List.of(Fixtures.ITEM_440HZ_2S, Fixtures.ITEM_1000HZ_1500MS, Fixtures.ITEM_660HZ_1S)) {
            Files.copy(Fixtures.path(f), dir.resolve("library").resolve(f));
        }
        ObjectNode root = Json.mapper().createObjectNode();
        root.putObject("commune").put("id", "xa-thu-nghiem").put("name", "Xã Thử Nghiệm").put("timeZone", ZONE)
                .put("horizonDays", 7);
        ArrayNode villages = root.putArray("villages");
        villages.addObject().put("id", "thon-dong").put("name", "Thôn Đông");
        ObjectNode tay = villages.addObject().put("id", "thon-tay").put("name", "Thôn Tây");
        program(tay.putObject("program"), List.of("tone-660", "tone-440"));
        ArrayNode stations = root.putArray("stations");
        stations.addObject().put("id", "thon-dong-1").put("village", "thon-dong");
        stations.addObject().put("id", "thon-tay-1").put("village", "thon-tay");
        for (int i = 2; i < 2 + more; i++) {
            stations.addObject().put("id", "thon-dong-" + i).put("village", "thon-dong");
        }
        ArrayNode library = root.putArray("library");
        library.addObject().put("id", "tone-440").put("title", "Giá lúa hôm nay").put("file", "library/" + Fixtures.ITEM_440HZ_2S);
        library.addObject().put("id", "tone-1000").put("title", "Bảo hiểm y tế").put("file", "library/" + Fixtures.ITEM_1000HZ_1500MS);
        library.addObject().put("id", "tone-660").put("title", "Thời tiết").put("file", "library/" + Fixtures.ITEM_660HZ_1S);
        program(root.putObject("program"), List.of("tone-440", "tone-1000", "tone-660"));
        Path file = dir.resolve("commune.json");
        Files.write(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        return file;
    }

    private static void program(ObjectNode program, List<String> morningItems) {
        ArrayNode daily = program.putArray("daily");
        ObjectNode morning = daily.addObject().put("id", "morning").put("name", "Buổi sáng").put("start", "05:30")
                .put("end", "06:30");
        morningItems.forEach(morning.putArray("items")::add);
        ObjectNode evening = daily.addObject().put("id", "evening").put("name", "Buổi chiều").put("start", "17:00")
                .put("end", "18:00");
        evening.putArray("items").add("tone-440");
    }
}
