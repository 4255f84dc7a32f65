package vn.loalang.controller.directory;

import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.change.ChangeException.Kind;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * The villages a request names (an alert, a live talk): some by id, or the whole commune as {@code "*"},
 * checked against the commune. Who may name which is the caller's rule; this is only what was named.
 *
 * @param villages     the ids, each once, in the order asked (every village of the commune for {@code "*"})
 * @param wholeCommune whether {@code "*"} was asked
 */
public record VillageChoice(List<String> villages, boolean wholeCommune) {
    public static VillageChoice of(List<String> asked, Commune c) {
        if (asked == null || asked.isEmpty() || asked.stream().anyMatch(Objects::isNull)) {
            throw new ChangeException(Kind.INVALID, "villages", "Chọn thôn / name at least one village");
        }
        List<String> all = c.villages().stream().map(Commune.Village::id).toList();
        boolean whole = asked.equals(List.of("*"));
        List<String> villages = whole ? all : List.copyOf(new LinkedHashSet<>(asked));
        if (villages.isEmpty()) {
            throw new ChangeException(Kind.INVALID, "villages", "the commune has no village yet");
        }
        for (String v : villages) {
            if (!all.contains(v)) {
                throw new ChangeException(Kind.INVALID, "villages", "Không có thôn / no village with id " + v);
            }
        }
        return new VillageChoice(villages, whole);
    }
}
