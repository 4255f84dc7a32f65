package vn.loalang.controller.alert.cap;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import vn.loalang.controller.alert.cap.CapAlert.MsgType;
import vn.loalang.controller.alert.cap.CapAlert.Reference;
import vn.loalang.controller.alert.cap.CapAlert.Scope;
import vn.loalang.controller.alert.cap.CapAlert.Status;
import vn.loalang.controller.alert.cap.CapArea.Circle;
import vn.loalang.controller.alert.cap.CapArea.Polygon;
import vn.loalang.controller.alert.cap.CapInfo.Category;
import vn.loalang.controller.alert.cap.CapInfo.Certainty;
import vn.loalang.controller.alert.cap.CapInfo.Severity;
import vn.loalang.controller.alert.cap.CapInfo.Urgency;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads a CAP 1.2 message ({@value #NAMESPACE}) into a {@link CapAlert}, or refuses it whole with a
 * {@link CapException} naming the element and the problem.
 *
 * <p>The message comes from outside the commune, so the parser is closed to what XML could make it do
 * beyond reading the bytes given: a DOCTYPE is refused outright (no DTD, hence no entity can name a file
 * or URL to read, and no entity expansion can blow up), external DTDs, schemas and XInclude are off, and
 * the input is cut off at a size limit before parsing. CAP needs none of these.
 *
 * <p>What is checked is what the controller's decision rests on: required elements, enumerations,
 * times with an offset, coordinates and closed polygons, a single occurrence where CAP allows one.
 * Elements of other namespaces (an XML signature, extensions) and CAP elements the controller does not
 * use ({@code code}, {@code parameter}, {@code web}, …) are skipped, not refused.
 */
public final class CapParser {
    public static final String NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2";
    /** A real alert, several languages and detailed polygons included, is a few tens of kilobytes. */
    public static final int DEFAULT_MAX_BYTES = 1024 * 1024;
    /** CAP: "If not present, an implicit default value of 'en-US' SHALL be assumed." */
    private static final String DEFAULT_LANGUAGE = "en-US";

    private final int maxBytes;

    public CapParser() {
        this(DEFAULT_MAX_BYTES);
    }

    public CapParser(int maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive, not " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** Reads at most the size limit from {@code in} (one byte more tells it is too large) and parses that. */
    public CapAlert parse(InputStream in) throws CapException, IOException {
        byte[] bytes = in.readNBytes(maxBytes + 1);
        if (bytes.length > maxBytes) {
            throw new CapException("the message is larger than " + maxBytes + " bytes, the most accepted");
        }
        return parse(bytes);
    }

    public CapAlert parse(byte[] xml) throws CapException {
        if (xml.length > maxBytes) {
            throw new CapException("the message is " + xml.length + " bytes; at most " + maxBytes + " are accepted");
        }
        return alert(root(document(xml)));
    }

    private static Document document(byte[] xml) throws CapException {
        try {
            DocumentBuilder builder = secureBuilder();
            builder.setErrorHandler(new ErrorHandler() {
                @Override
                public void warning(SAXParseException e) {
                    // Warnings (e.g. about an unused namespace) do not make a message unreadable.
                }

                @Override
                public void error(SAXParseException e) throws SAXParseException {
                    throw e;
                }

                @Override
                public void fatalError(SAXParseException e) throws SAXParseException {
                    throw e;
                }
            });
            return builder.parse(new InputSource(new ByteArrayInputStream(xml)));
        } catch (SAXParseException e) {
            // The JDK words its refusal of a DOCTYPE in the JVM's language, but always with this keyword.
            if (String.valueOf(e.getMessage()).contains("DOCTYPE")) {
                throw new CapException("the message carries a DOCTYPE (line " + e.getLineNumber() + "); CAP needs"
                        + " none, and it is refused so that no entity can make the controller read a file or URL");
            }
            throw new CapException("the message is not well-formed XML (line " + e.getLineNumber() + ", column "
                    + e.getColumnNumber() + "): " + e.getMessage());
        } catch (SAXException e) {
            throw new CapException("the message is not well-formed XML: " + e.getMessage());
        } catch (IOException e) {
            // The bytes are in memory and nothing external may be opened, so this is the XML's fault.
            throw new CapException("the message cannot be read as XML: " + e.getMessage());
        }
    }

    private static DocumentBuilder secureBuilder() {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        try {
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            // Belt and braces behind the refused DOCTYPE: should it ever be let through, nothing external loads.
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            return factory.newDocumentBuilder();
        } catch (ParserConfigurationException | IllegalArgumentException e) {
            // The JDK's parser knows these settings; a parser that does not must not be used unprotected.
            throw new IllegalStateException("the XML parser cannot be secured: " + e.getMessage(), e);
        }
    }

    private static Place root(Document document) throws CapException {
        Element root = document.getDocumentElement();
        String namespace = root.getNamespaceURI();
        if (!"alert".equals(root.getLocalName())) {
            throw new CapException("the root element is <" + root.getTagName() + ">; a CAP message is an <alert>");
        }
        if (namespace == null) {
            throw new CapException("alert", "has no namespace; CAP 1.2 is xmlns=\"" + NAMESPACE + "\"");
        }
        if (!NAMESPACE.equals(namespace)) {
            throw new CapException("alert", "namespace is " + namespace + "; only CAP 1.2 (" + NAMESPACE
                    + ") is accepted");
        }
        return new Place(root, "");
    }

    private static CapAlert alert(Place alert) throws CapException {
        // Read in CAP's order, so that the first problem reported is the first in the message.
        return new CapAlert(
                token(alert, "identifier"),
                token(alert, "sender"),
                time(alert, "sent", alert.required("sent")),
                oneOf(Status.class, alert, "status"),
                oneOf(MsgType.class, alert, "msgType"),
                oneOf(Scope.class, alert, "scope"),
                references(alert),
                alert.optional("note"),
                alert.each("info", CapParser::info));
    }

    /**
     * Identifier and sender may not hold spaces or commas (CAP 1.2 §3.2.1): references are written
     * {@code sender,identifier,sent} separated by spaces, and could not name such a message.
     */
    private static String token(Place alert, String name) throws CapException {
        String value = alert.required(name);
        if (value.chars().anyMatch(c -> Character.isWhitespace(c) || c == ',')) {
            throw new CapException(alert.child(name), "'" + value + "' contains a space or a comma, which CAP"
                    + " does not allow here");
        }
        return value;
    }

    private static List<Reference> references(Place alert) throws CapException {
        String text = alert.optional("references");
        if (text == null) {
            return List.of();
        }
        List<Reference> references = new ArrayList<>();
        for (String triple : text.split("\\s+")) {
            String[] parts = triple.split(",", -1);
            if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
                throw new CapException(alert.child("references"), "'" + triple + "' is not sender,identifier,sent");
            }
            references.add(new Reference(parts[0], parts[1], time(alert, "references", parts[2])));
        }
        return references;
    }

    private static CapInfo info(Place info) throws CapException {
        String language = info.optional("language");
        List<Category> categories = info.each("category",
                category -> oneOf(Category.class, category.path, category.text()));
        if (categories.isEmpty()) {
            throw new CapException(info.child("category"), "is missing; CAP requires at least one");
        }
        return new CapInfo(
                language == null ? DEFAULT_LANGUAGE : language,
                categories,
                info.required("event"),
                oneOf(Urgency.class, info, "urgency"),
                oneOf(Severity.class, info, "severity"),
                oneOf(Certainty.class, info, "certainty"),
                optionalTime(info, "effective"),
                optionalTime(info, "onset"),
                optionalTime(info, "expires"),
                info.optional("senderName"),
                info.optional("headline"),
                info.optional("description"),
                info.optional("instruction"),
                info.each("resource", CapParser::resource),
                info.each("area", CapParser::area));
    }

    private static CapResource resource(Place resource) throws CapException {
        String size = resource.optional("size");
        String uri = resource.optional("uri");
        return new CapResource(
                resource.required("resourceDesc"),
                resource.required("mimeType"),
                size == null ? null : size(resource.child("size"), size),
                uri == null ? null : uri(resource.child("uri"), uri),
                resource.optional("digest"));
    }

    private static long size(String path, String text) throws CapException {
        try {
            long size = Long.parseLong(text);
            if (size >= 0) {
                return size;
            }
        } catch (NumberFormatException e) {
            // refused below, with the same words as a negative size
        }
        throw new CapException(path, "'" + text + "' is not a size in bytes");
    }

    private static URI uri(String path, String text) throws CapException {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw new CapException(path, "'" + text + "' is not a URI: " + e.getReason());
        }
    }

    private static CapArea area(Place area) throws CapException {
        String areaDesc = area.required("areaDesc");
        List<Polygon> polygons = area.each("polygon", CapParser::polygon);
        List<Circle> circles = area.each("circle", CapParser::circle);
        Map<String, List<String>> geocodes = new LinkedHashMap<>();
        for (Place geocode : area.each("geocode", place -> place)) {
            geocodes.computeIfAbsent(geocode.required("valueName"), name -> new ArrayList<>())
                    .add(geocode.required("value"));
        }
        return new CapArea(areaDesc, polygons, circles, geocodes);
    }

    private static Polygon polygon(Place polygon) throws CapException {
        List<LatLon> points = new ArrayList<>();
        for (String pair : polygon.text().split("\\s+")) {
            points.add(point(polygon.path, pair));
        }
        try {
            return new Polygon(points);
        } catch (IllegalArgumentException e) {
            throw new CapException(polygon.path, e.getMessage());
        }
    }

    private static Circle circle(Place circle) throws CapException {
        String[] parts = circle.text().split("\\s+");
        if (parts.length != 2) {
            throw new CapException(circle.path, "'" + circle.text() + "' is not \"lat,lon radius\" (radius in km)");
        }
        LatLon centre = point(circle.path, parts[0]);
        try {
            return new Circle(centre, Double.parseDouble(parts[1]));
        } catch (NumberFormatException e) {
            throw new CapException(circle.path, "radius '" + parts[1] + "' is not a number of kilometres");
        } catch (IllegalArgumentException e) {
            throw new CapException(circle.path, e.getMessage());
        }
    }

    private static LatLon point(String path, String pair) throws CapException {
        String[] parts = pair.split(",", -1);
        if (parts.length != 2) {
            throw new CapException(path, "'" + pair + "' is not a point \"lat,lon\"");
        }
        try {
            return new LatLon(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]));
        } catch (NumberFormatException e) {
            throw new CapException(path, "'" + pair + "' is not a point \"lat,lon\" in degrees");
        } catch (IllegalArgumentException e) {
            throw new CapException(path, "'" + pair + "': " + e.getMessage());
        }
    }

    private static OffsetDateTime optionalTime(Place parent, String name) throws CapException {
        String text = parent.optional(name);
        return text == null ? null : time(parent, name, text);
    }

    /**
     * CAP times carry their offset ({@code 2026-11-24T05:30:00+07:00}); one without is refused rather than
     * guessed, since an hour's error in an expiry decides whether a warning is spoken. A trailing
     * {@code Z}, which CAP forbids but some senders write, is read as UTC: refusing it would drop a real
     * warning over a spelling that leaves no doubt about the time.
     */
    private static OffsetDateTime time(Place parent, String name, String text) throws CapException {
        try {
            return OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            throw new CapException(parent.child(name), "'" + text + "' is not a CAP time: date, time and offset,"
                    + " e.g. 2026-11-24T05:30:00+07:00");
        }
    }

    private static <E extends Enum<E>> E oneOf(Class<E> type, Place parent, String name) throws CapException {
        return oneOf(type, parent.child(name), parent.required(name));
    }

    private static <E extends Enum<E>> E oneOf(Class<E> type, String path, String text) throws CapException {
        for (E value : type.getEnumConstants()) {
            if (value.name().equals(text)) {
                return value;
            }
        }
        throw new CapException(path, "'" + text + "' is not one of " + Arrays.stream(type.getEnumConstants())
                .map(Enum::name).collect(Collectors.joining(", ")));
    }

    private interface Reader<T> {
        T read(Place place) throws CapException;
    }

    /** An element of the message with its path for error messages, e.g. {@code info[1].area[2]}. */
    private record Place(Element element, String path) {
        String child(String name) {
            return path.isEmpty() ? name : path + "." + name;
        }

        String text() {
            return element.getTextContent().trim();
        }

        /**
         * Every CAP child of that name, in document order, read by {@code reader}; children of other
         * namespaces are not CAP's and are skipped.
         */
        <T> List<T> each(String name, Reader<T> reader) throws CapException {
            List<Element> found = elements(name);
            List<T> read = new ArrayList<>();
            for (int i = 0; i < found.size(); i++) {
                read.add(reader.read(new Place(found.get(i), child(name) + "[" + (i + 1) + "]")));
            }
            return read;
        }

        /** The text of a child CAP allows once, or null when it is absent or empty. */
        String optional(String name) throws CapException {
            List<Element> found = elements(name);
            if (found.size() > 1) {
                throw new CapException(child(name), "appears " + found.size() + " times; CAP allows it once");
            }
            if (found.isEmpty()) {
                return null;
            }
            String text = found.get(0).getTextContent().trim();
            return text.isEmpty() ? null : text;
        }

        String required(String name) throws CapException {
            String text = optional(name);
            if (text == null) {
                throw new CapException(child(name), elements(name).isEmpty() ? "is missing" : "is empty");
            }
            return text;
        }

        private List<Element> elements(String name) {
            List<Element> found = new ArrayList<>();
            for (Node node = element.getFirstChild(); node != null; node = node.getNextSibling()) {
                if (node instanceof Element child && NAMESPACE.equals(child.getNamespaceURI())
                        && name.equals(child.getLocalName())) {
                    found.add(child);
                }
            }
            return found;
        }
    }
}
