package vn.loalang.protocol.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import vn.loalang.protocol.Json;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Turns a real, valid message into a hostile one, as an attacker with a copy of it would: flipped and
 * cut bytes; numbers set to 0, -1, 10^15, the limits of long and beyond; huge and strange strings;
 * deep nesting; unknown fields; a value of the wrong type. JSON is mutated as a tree (the message
 * still parses and reaches the code behind the parser), XML and other text by its text between tags,
 * anything else by its bytes. One to four mutations are stacked.
 */
public final class Mutator {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Writes deeper documents than Jackson's default allows, so that the readers' own limit is what is tested. */
    private static final com.fasterxml.jackson.databind.ObjectMapper WRITER = new com.fasterxml.jackson.databind.ObjectMapper(
            com.fasterxml.jackson.core.JsonFactory.builder().streamWriteConstraints(
                    com.fasterxml.jackson.core.StreamWriteConstraints.builder().maxNestingDepth(100_000).build()).build());
    /** The numbers a handler must survive; 10^15 is the sequence number that hung the controller (issue 14). */
    static final List<String> NUMBERS = List.of("0", "-1", "1", "1000000000000000", "-1000000000000000",
            Long.toString(Long.MAX_VALUE), Long.toString(Long.MIN_VALUE), Long.toString(Integer.MAX_VALUE),
            Long.toString((long) Integer.MAX_VALUE + 1), Long.toString(Integer.MIN_VALUE), "9223372036854775808",
            "1e308", "-1e308", "1e400", "4.9e-324", "-0.0", "0.5", "1" + "0".repeat(300));

    /**
     * Stacked growing mutations (an element repeated thousands of times, then again) would grow
     * without end and fill the test's own heap: past this size no more mutations are applied, and
     * what is handed on is cut to it (a message that size is already far over any limit of ours).
     */
    static final int MAX_BYTES = 4 << 20;

    private Mutator() {
    }

    public static byte[] mutate(byte[] golden, Random random) {
        byte[] out = golden;
        // Mostly one mutation, so that much of the message stays valid and reaches the code behind the parser.
        int rounds = random.nextInt(3) == 0 ? 2 + random.nextInt(3) : 1;
        for (int i = 0; i < rounds && out.length <= MAX_BYTES; i++) {
            int kind = random.nextInt(10);
            if (kind < 5 && looksLikeJson(out)) {
                out = mutateJson(out, random);
            } else if (kind < 5 && looksLikeXml(out)) {
                out = mutateXml(out, random);
            } else {
                out = mutateBytes(out, random);
            }
        }
        return out.length > MAX_BYTES ? Arrays.copyOf(out, MAX_BYTES) : out;
    }

    static boolean looksLikeJson(byte[] in) {
        return in.length > 0 && (in[0] == '{' || in[0] == '[');
    }

    static boolean looksLikeXml(byte[] in) {
        return in.length > 0 && in[0] == '<';
    }

    public static byte[] mutateBytes(byte[] in, Random random) {
        byte[] out = in.clone();
        switch (random.nextInt(8)) {
            case 0 -> { // flip bits
                if (out.length > 0) {
                    for (int n = 1 + random.nextInt(8); n > 0; n--) {
                        out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                }
            }
            case 1 -> { // set bytes to interesting values
                byte[] interesting = {0, (byte) 0xff, 0x7f, (byte) 0x80, '"', '\\', '{', '}', '[', ']', ',', ':', '<', '>', '&', '\n'};
                for (int n = 1 + random.nextInt(4); n > 0 && out.length > 0; n--) {
                    out[random.nextInt(out.length)] = interesting[random.nextInt(interesting.length)];
                }
            }
            case 2 -> out = Arrays.copyOf(out, out.length == 0 ? 0 : random.nextInt(out.length)); // truncate
            case 3 -> { // delete a range
                if (out.length > 1) {
                    int from = random.nextInt(out.length);
                    int to = from + random.nextInt(Math.min(64, out.length - from) + 1);
                    out = concat(Arrays.copyOfRange(out, 0, from), Arrays.copyOfRange(out, to, out.length));
                }
            }
            case 4 -> { // insert random bytes
                int at = out.length == 0 ? 0 : random.nextInt(out.length + 1);
                byte[] noise = new byte[1 + random.nextInt(32)];
                random.nextBytes(noise);
                out = concat(Arrays.copyOfRange(out, 0, at), noise, Arrays.copyOfRange(out, at, out.length));
            }
            case 5 -> { // duplicate a range
                if (out.length > 1) {
                    int from = random.nextInt(out.length);
                    int to = from + 1 + random.nextInt(Math.min(256, out.length - from));
                    out = concat(Arrays.copyOfRange(out, 0, to), Arrays.copyOfRange(out, from, out.length));
                }
            }
            case 6 -> { // nothing of the original
                out = new byte[random.nextInt(512)];
                random.nextBytes(out);
            }
            default -> { // a valid prefix followed by a long tail of one byte
                byte[] tail = new byte[1 << (10 + random.nextInt(10))];
                Arrays.fill(tail, (byte) "a0[{\"\\ \u00e9".charAt(random.nextInt(8)));
                out = concat(Arrays.copyOf(out, out.length / 2), tail);
            }
        }
        return out;
    }

    static byte[] mutateJson(byte[] in, Random random) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(in);
        } catch (Exception e) {
            return mutateBytes(in, random);
        }
        if (root == null || !root.isContainerNode()) {
            return mutateBytes(in, random);
        }
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        JsonNode target = containers.get(random.nextInt(containers.size()));
        if (target instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            int what = random.nextInt(10);
            if (names.isEmpty() || what == 0) {
                object.set(strangeString(random, 40), hostileValue(random));
            } else if (what == 1) {
                object.remove(names.get(random.nextInt(names.size())));
            } else {
                object.set(names.get(random.nextInt(names.size())), hostileValue(random));
            }
        } else if (target instanceof ArrayNode array) {
            int what = random.nextInt(4);
            if (array.isEmpty() || what == 0) {
                array.add(hostileValue(random));
            } else if (what == 1) {
                // Many copies of one element: a schedule with thousands of sessions.
                JsonNode element = array.get(random.nextInt(array.size()));
                int most = Math.max(1, Math.min(1_000, MAX_BYTES / Math.max(1, element.toString().length())));
                for (int i = 1 + random.nextInt(most); i > 0; i--) {
                    array.add(element.deepCopy());
                }
            } else {
                array.set(random.nextInt(array.size()), hostileValue(random));
            }
        }
        byte[] json;
        try {
            json = WRITER.writeValueAsBytes(root);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the mutator cannot write its own tree: " + e.getMessage(), e);
        }
        // Numbers beyond what Jackson's tree keeps exactly go in as text.
        if (random.nextInt(6) == 0) {
            String text = new String(json, StandardCharsets.UTF_8);
            String number = NUMBERS.get(random.nextInt(NUMBERS.size()));
            text = text.replaceFirst("(?<=[:\\[,])-?\\d+(\\.\\d+)?(?=[,}\\]])", number);
            json = text.getBytes(StandardCharsets.UTF_8);
        }
        return json;
    }

    private static void collect(JsonNode node, List<JsonNode> containers) {
        if (node.isContainerNode()) {
            containers.add(node);
            node.elements().forEachRemaining(child -> collect(child, containers));
        }
    }

    static JsonNode hostileValue(Random random) {
        return switch (random.nextInt(9)) {
            case 0, 1 -> NODES.numberNode(new java.math.BigDecimal(NUMBERS.get(random.nextInt(NUMBERS.size()))));
            case 2 -> NODES.numberNode(new BigInteger(NUMBERS.get(random.nextInt(7))));
            case 3, 4 -> NODES.textNode(strangeString(random, 1 << random.nextInt(18)));
            case 5 -> random.nextBoolean() ? NODES.booleanNode(random.nextBoolean()) : NODES.nullNode();
            case 6 -> nested(random.nextBoolean(), 1 + random.nextInt(random.nextBoolean() ? 50 : 990));
            case 7 -> NODES.objectNode().put(strangeString(random, 20), random.nextLong());
            default -> {
                ArrayNode many = NODES.arrayNode();
                for (int i = random.nextInt(5_000); i > 0; i--) {
                    many.add(i);
                }
                yield many;
            }
        };
    }

    static JsonNode nested(boolean arrays, int depth) {
        JsonNode node = NODES.numberNode(1);
        for (int i = 0; i < depth; i++) {
            node = arrays ? NODES.arrayNode().add(node) : NODES.objectNode().set("a", node);
        }
        return node;
    }

    /** Text a form or a station would not send: control characters, path tricks, markup, huge lengths. */
    public static String strangeString(Random random, int maxLength) {
        List<String> pieces = List.of("", " ", "\u0000", "\n\r", "../../etc/passwd", "%s%n", "${jndi:ldap://x}",
                "<script>alert(1)</script>", "' OR 1=1 --", "=cmd|' /C calc'!A0", "\u202e", "\uD83D\uDCA3", "thôn-1",
                "A", "\\", "\"", "loalang/v1/station/+/#", "2026-13-45T25:61:61Z", "PT-1S", "NaN", "-1", "1e400");
        String piece = pieces.get(random.nextInt(pieces.size()));
        if (maxLength <= 64 || random.nextInt(3) > 0) {
            return piece.length() > maxLength ? piece.substring(0, maxLength) : piece;
        }
        int length = random.nextInt(maxLength + 1);
        return (piece.isEmpty() ? "x" : piece).repeat(Math.max(1, length / Math.max(1, piece.length())));
    }

    static byte[] mutateXml(byte[] in, Random random) {
        String xml = new String(in, StandardCharsets.UTF_8);
        switch (random.nextInt(5)) {
            case 0, 1 -> { // the text of one element
                List<int[]> texts = new ArrayList<>();
                var m = java.util.regex.Pattern.compile(">([^<>]+)</").matcher(xml);
                while (m.find()) {
                    texts.add(new int[]{m.start(1), m.end(1)});
                }
                if (texts.isEmpty()) {
                    return mutateBytes(in, random);
                }
                int[] t = texts.get(random.nextInt(texts.size()));
                String value = random.nextBoolean() ? NUMBERS.get(random.nextInt(NUMBERS.size()))
                        : escapeXml(strangeString(random, 1 << random.nextInt(20)));
                xml = xml.substring(0, t[0]) + value + xml.substring(t[1]);
            }
            case 2 -> { // an element twice, or many times
                var m = java.util.regex.Pattern.compile("<(\\w+)>[^<]*</\\1>").matcher(xml);
                List<int[]> elements = new ArrayList<>();
                while (m.find()) {
                    elements.add(new int[]{m.start(), m.end()});
                }
                if (elements.isEmpty()) {
                    return mutateBytes(in, random);
                }
                int[] e = elements.get(random.nextInt(elements.size()));
                int most = Math.max(1, Math.min(3_000, MAX_BYTES / (e[1] - e[0])));
                xml = xml.substring(0, e[1]) + xml.substring(e[0], e[1]).repeat(1 + random.nextInt(most)) + xml.substring(e[1]);
            }
            case 3 -> { // deep nesting inside the root
                int close = xml.lastIndexOf("</");
                if (close < 0) {
                    return mutateBytes(in, random);
                }
                int depth = 1 + random.nextInt(5_000);
                xml = xml.substring(0, close) + "<x>".repeat(depth) + "</x>".repeat(depth) + xml.substring(close);
            }
            default -> { // an unknown element
                int close = xml.lastIndexOf("</");
                if (close < 0) {
                    return mutateBytes(in, random);
                }
                xml = xml.substring(0, close) + "<unknownElement a=\"1\">" + escapeXml(strangeString(random, 100))
                        + "</unknownElement>" + xml.substring(close);
            }
        }
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    private static String escapeXml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\u0000", "");
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
