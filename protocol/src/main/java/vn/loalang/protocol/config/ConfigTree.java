package vn.loalang.protocol.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * Checks the single values of a JSON config file against their definitions before the file is
 * mapped to records, so that a value of the wrong shape ({@code "maxMegabytes": "lots"}) and one out
 * of bounds ({@code -3}) get the same message as on a command line. A key such as
 * {@code gpio.relays[].pin} applies to every element of the list {@code gpio.relays}; a required key
 * missing from an object that is there is refused too (Jackson would make a missing {@code int} 0).
 * Keys that no definition names are left to the reader of the file.
 */
public final class ConfigTree {
    private ConfigTree() {
    }

    public static void check(JsonNode root, List<Option<?>> options) {
        for (Option<?> o : options) {
            if (o.type().isValue()) {
                visit(root, o.key().split("\\."), 0, "", o);
            }
        }
    }

    private static void visit(JsonNode node, String[] path, int i, String shown, Option<?> o) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            if (i == path.length) {
                o.check(null, shown); // absent where its object is: required ones are refused here
            }
            return; // the default applies
        }
        if (i == path.length) {
            if (node.isContainerNode()) {
                throw o.refusal(shown, node.toString());
            }
            o.read(node.asText(), shown);
            return;
        }
        String segment = path[i];
        boolean list = segment.endsWith("[]");
        String field = list ? segment.substring(0, segment.length() - 2) : segment;
        if (!node.isObject()) {
            return; // the wrong shape of a part: the file's reader names it
        }
        JsonNode child = node.get(field);
        String name = shown.isEmpty() ? field : shown + "." + field;
        if (list) {
            if (child != null && child.isArray()) {
                for (int k = 0; k < child.size(); k++) {
                    visit(child.get(k), path, i + 1, name + "[" + k + "]", o);
                }
            }
        } else {
            visit(child, path, i + 1, name, o);
        }
    }
}
