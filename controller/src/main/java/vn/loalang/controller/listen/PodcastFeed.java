package vn.loalang.controller.listen;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.ByteArrayOutputStream;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A village's podcast feed: RSS 2.0 with Apple's {@code itunes:} namespace, which podcast apps read
 * (channel language vi, artwork, category, explicit false; per episode an {@code enclosure} with the file's
 * exact length, a {@code guid} that is not a link, an RFC 822 {@code pubDate} and {@code itunes:duration}).
 * Written with the JDK's {@link XMLStreamWriter}, which escapes every text and attribute.
 */
public final class PodcastFeed {
    public static final String ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd";
    /** RFC 822 as RSS wants it, always in GMT. */
    static final DateTimeFormatter RFC_822 = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private PodcastFeed() {
    }

    public static byte[] write(ListenFeed feed, ListenAddresses at) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 * 1024);
        try {
            XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(bytes, "UTF-8");
            w.writeStartDocument("UTF-8", "1.0");
            w.writeStartElement("rss");
            w.writeAttribute("version", "2.0");
            w.writeNamespace("itunes", ITUNES);
            w.writeStartElement("channel");
            element(w, "title", feed.title());
            element(w, "link", at.village(feed.village().id()));
            element(w, "description", feed.description());
            element(w, "language", "vi");
            element(w, "generator", "Loa Làng");
            if (!feed.episodes().isEmpty()) {
                element(w, "lastBuildDate", RFC_822.format(feed.episodes().get(0).published()));
            }
            w.writeEmptyElement("itunes", "image", ITUNES);
            w.writeAttribute("href", at.artwork());
            w.writeEmptyElement("itunes", "category", ITUNES);
            w.writeAttribute("text", "Government");
            itunes(w, "explicit", "false");
            itunes(w, "author", Html.clean(feed.communeName(), 200));
            itunes(w, "summary", Html.clean(feed.description(), 400));
            for (ListenFeed.Episode e : feed.episodes()) {
                w.writeStartElement("item");
                element(w, "title", Html.clean(e.title(), 300));
                if (!e.text().isEmpty()) {
                    element(w, "description", Html.clean(e.text(), 4000));
                }
                element(w, "link", e.page());
                w.writeStartElement("guid");
                w.writeAttribute("isPermaLink", "false");
                w.writeCharacters(e.guid());
                w.writeEndElement();
                w.writeEmptyElement("enclosure");
                w.writeAttribute("url", e.audio());
                w.writeAttribute("length", Long.toString(e.bytes()));
                w.writeAttribute("type", "audio/mpeg");
                element(w, "pubDate", RFC_822.format(e.published()));
                itunes(w, "duration", ListenPages.duration(e.seconds()));
                itunes(w, "explicit", "false");
                w.writeEndElement();
            }
            w.writeEndElement();
            w.writeEndElement();
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("the feed of " + feed.village().id() + " cannot be written: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    private static void element(XMLStreamWriter w, String name, String text) throws XMLStreamException {
        w.writeStartElement(name);
        w.writeCharacters(Html.clean(text, 4000));
        w.writeEndElement();
    }

    private static void itunes(XMLStreamWriter w, String name, String text) throws XMLStreamException {
        w.writeStartElement("itunes", name, ITUNES);
        w.writeCharacters(text);
        w.writeEndElement();
    }

}
