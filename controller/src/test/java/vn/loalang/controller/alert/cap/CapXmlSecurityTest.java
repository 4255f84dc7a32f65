package vn.loalang.controller.alert.cap;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A CAP message comes from outside; it must not make the controller read a file, fetch a URL or
 * exhaust its memory. The local HTTP server counts every request an entity or DTD would make.
 */
class CapXmlSecurityTest {
    private static final String SECRET = "khoa-bi-mat-7f3a";
    private static final String CAP_START = "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">";

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private String serverUrl;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = ("<!ENTITY secret \"" + SECRET + "\">").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        serverUrl = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void anEntityNamingALocalFileIsRefusedAndTheFileStaysUnread(@TempDir Path dir) throws IOException {
        Path secret = Files.writeString(dir.resolve("secret.txt"), SECRET);
        String xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE alert [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>\n"
                + SampleAlerts.replace(SampleAlerts.text("flood-cancel.xml").replaceFirst("<\\?xml[^>]*>", ""),
                "<note>", "<note>&xxe;");

        CapException refused = assertThrows(CapException.class, () -> SampleAlerts.parseXml(xml));

        assertEquals("the message carries a DOCTYPE (line 2); CAP needs none, and it is refused so that no entity"
                + " can make the controller read a file or URL", refused.getMessage());
        assertNull(refused.element());
        assertFalse(refused.getMessage().contains(SECRET));
    }

    @Test
    void anEntityNamingAUrlIsRefusedBeforeAnythingIsFetched() {
        String xml = "<!DOCTYPE alert [<!ENTITY xxe SYSTEM \"" + serverUrl + "/entity\">]>"
                + CAP_START + "<identifier>&xxe;</identifier></alert>";

        assertThrows(CapException.class, () -> SampleAlerts.parseXml(xml));

        assertEquals(0, requests.get(), "requests made to the server");
    }

    @Test
    void anExternalDtdOrParameterEntityIsNeverFetched() {
        String externalDtd = "<!DOCTYPE alert SYSTEM \"" + serverUrl + "/cap.dtd\">" + CAP_START + "</alert>";
        String parameterEntity = "<!DOCTYPE alert [<!ENTITY % remote SYSTEM \"" + serverUrl + "/p.dtd\"> %remote;]>"
                + CAP_START + "<note>&secret;</note></alert>";

        assertThrows(CapException.class, () -> SampleAlerts.parseXml(externalDtd));
        assertThrows(CapException.class, () -> SampleAlerts.parseXml(parameterEntity));

        assertEquals(0, requests.get(), "requests made to the server");
    }

    @Test
    void nestedEntitiesThatWouldExpandToGigabytesAreRefused() {
        StringBuilder dtd = new StringBuilder("<!DOCTYPE alert [<!ENTITY e0 \"lol\">");
        for (int i = 1; i <= 9; i++) {
            dtd.append("<!ENTITY e").append(i).append(" \"").append(("&e" + (i - 1) + ";").repeat(10)).append("\">");
        }
        String xml = dtd + "]>" + CAP_START + "<note>&e9;</note></alert>";

        CapException refused = assertThrows(CapException.class, () -> SampleAlerts.parseXml(xml));

        assertTrue(refused.getMessage().contains("DOCTYPE"), refused.getMessage());
    }

    @Test
    void aMessageOverTheSizeLimitIsRefusedWithoutReadingItAll() throws Exception {
        byte[] sample = SampleAlerts.text("flood-cancel.xml").getBytes(StandardCharsets.UTF_8);
        CountingStream endless = new CountingStream();

        CapException refused = assertThrows(CapException.class, () -> new CapParser().parse(endless));

        assertEquals("the message is larger than 1048576 bytes, the most accepted", refused.getMessage());
        assertEquals(CapParser.DEFAULT_MAX_BYTES + 1, endless.read);
        assertEquals("VN-NCHMF-2026-LU-1018-01",
                new CapParser(sample.length).parse(new ByteArrayInputStream(sample)).identifier());
        CapException oneByteOver = assertThrows(CapException.class,
                () -> new CapParser(sample.length - 1).parse(sample));
        assertEquals("the message is " + sample.length + " bytes; at most " + (sample.length - 1)
                + " are accepted", oneByteOver.getMessage());
    }

    /** Spaces for ever, as a sender that never stops would send them; counts what was taken. */
    private static final class CountingStream extends InputStream {
        long read;

        @Override
        public int read() {
            read++;
            return ' ';
        }
    }
}
