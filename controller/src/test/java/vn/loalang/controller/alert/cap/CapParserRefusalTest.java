package vn.loalang.controller.alert.cap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Every way a message is refused, with the words a technician reads. */
class CapParserRefusalTest {
    private static final String FLOOD = "flood-mekong-vi.xml";
    private static final String TYPHOON = "typhoon-update.xml";
    private static final String POLYGON = "flash-flood-polygon.xml";
    private static final String FIRST_EVENT = "<event>Lũ trên sông Tiền, sông Hậu</event>";
    private static final String RING = "17.30,106.60 17.30,106.95 17.10,106.95 17.10,106.60 17.30,106.60";

    static Stream<Arguments> brokenFiles() {
        return Stream.of(
                arguments("cap11-namespace.xml", "alert", "alert: namespace is urn:oasis:names:tc:emergency:cap:1.1;"
                        + " only CAP 1.2 (urn:oasis:names:tc:emergency:cap:1.2) is accepted"),
                arguments("urgency-soon.xml", "info[1].urgency",
                        "info[1].urgency: 'Soon' is not one of Immediate, Expected, Future, Past, Unknown"),
                arguments("polygon-unclosed.xml", "info[1].area[2].polygon[1]", "info[1].area[2].polygon[1]: is not"
                        + " closed: the first point is 10.01,105.75 and the last 9.97,105.75; CAP repeats the first"
                        + " point at the end"),
                arguments("sent-without-offset.xml", "sent", "sent: '2026-10-15T06:00:00' is not a CAP time: date,"
                        + " time and offset, e.g. 2026-11-24T05:30:00+07:00"),
                arguments("missing-event.xml", "info[2].event", "info[2].event: is missing"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFiles")
    void aBrokenSampleIsRefusedNamingTheElement(String file, String element, String message) {
        CapException refused = assertThrows(CapException.class, () -> SampleAlerts.parse("broken/" + file));

        assertEquals(message, refused.getMessage());
        assertEquals(element, refused.element());
    }

    @Test
    void aTruncatedMessageIsRefusedWithTheLineWhereItEnds() {
        CapException refused = assertThrows(CapException.class, () -> SampleAlerts.parse("broken/truncated.xml"));

        assertTrue(refused.getMessage().startsWith("the message is not well-formed XML (line 14, column "),
                refused.getMessage());
    }

    static Stream<Arguments> variations() {
        return Stream.of(
                arguments("no namespace", SampleAlerts.with(FLOOD, " xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"", ""),
                        "alert: has no namespace; CAP 1.2 is xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\""),
                arguments("not an alert", SampleAlerts.replace(SampleAlerts.with(FLOOD, "<alert ", "<message "),
                        "</alert>", "</message>"), "the root element is <message>; a CAP message is an <alert>"),
                arguments("identifier missing", SampleAlerts.with(FLOOD,
                        "<identifier>VN-NCHMF-2026-LU-1015-03</identifier>", ""), "identifier: is missing"),
                arguments("identifier empty", SampleAlerts.with(FLOOD,
                        "<identifier>VN-NCHMF-2026-LU-1015-03</identifier>", "<identifier> </identifier>"),
                        "identifier: is empty"),
                arguments("identifier with a space", SampleAlerts.with(FLOOD,
                        "VN-NCHMF-2026-LU-1015-03", "VN NCHMF 2026"),
                        "identifier: 'VN NCHMF 2026' contains a space or a comma, which CAP does not allow here"),
                arguments("sender with a comma", SampleAlerts.with(FLOOD, "<sender>canhbao@nchmf.gov.vn</sender>",
                        "<sender>canhbao,nchmf</sender>"),
                        "sender: 'canhbao,nchmf' contains a space or a comma, which CAP does not allow here"),
                arguments("status in lower case", SampleAlerts.with(FLOOD, "<status>Actual</status>",
                        "<status>actual</status>"),
                        "status: 'actual' is not one of Actual, Exercise, System, Test, Draft"),
                arguments("unknown msgType", SampleAlerts.with(FLOOD, "<msgType>Alert</msgType>",
                        "<msgType>Warning</msgType>"),
                        "msgType: 'Warning' is not one of Alert, Update, Cancel, Ack, Error"),
                arguments("unknown scope", SampleAlerts.with(FLOOD, "<scope>Public</scope>", "<scope>All</scope>"),
                        "scope: 'All' is not one of Public, Restricted, Private"),
                arguments("scope missing", SampleAlerts.with(FLOOD, "<scope>Public</scope>", ""),
                        "scope: is missing"),
                arguments("reference without its time", SampleAlerts.with(TYPHOON,
                        "canhbao@nchmf.gov.vn,VN-NCHMF-2026-BAO-1027-04,2026-10-27T04:00:00+07:00",
                        "VN-NCHMF-2026-BAO-1027-04"),
                        "references: 'VN-NCHMF-2026-BAO-1027-04' is not sender,identifier,sent"),
                arguments("reference with a bad time", SampleAlerts.with(TYPHOON, ",2026-10-27T04:00:00+07:00<",
                        ",27/10/2026<"), "references: '27/10/2026' is not a CAP time: date, time and offset,"
                        + " e.g. 2026-11-24T05:30:00+07:00"),
                arguments("unknown category", SampleAlerts.with(FLOOD, "<category>Geo</category>",
                        "<category>Weather</category>"), "info[1].category[2]: 'Weather' is not one of Geo, Met,"
                        + " Safety, Security, Rescue, Fire, Health, Env, Transport, Infra, CBRNE, Other"),
                arguments("no category", SampleAlerts.with(POLYGON, "<category>Geo</category>\n    <category>Met</category>",
                        ""), "info[1].category: is missing; CAP requires at least one"),
                arguments("urgency twice", SampleAlerts.with(FLOOD, FIRST_EVENT,
                        FIRST_EVENT + "<urgency>Immediate</urgency>"),
                        "info[1].urgency: appears 2 times; CAP allows it once"),
                arguments("unknown severity", SampleAlerts.with(POLYGON, "<severity>Moderate</severity>",
                        "<severity>High</severity>"),
                        "info[1].severity: 'High' is not one of Extreme, Severe, Moderate, Minor, Unknown"),
                arguments("unknown certainty", SampleAlerts.with(POLYGON, "<certainty>Possible</certainty>",
                        "<certainty>Sure</certainty>"),
                        "info[1].certainty: 'Sure' is not one of Observed, Likely, Possible, Unlikely, Unknown"),
                arguments("certainty missing", SampleAlerts.with(POLYGON, "<certainty>Possible</certainty>", ""),
                        "info[1].certainty: is missing"),
                arguments("expiry as a local date", SampleAlerts.with(POLYGON, "<expires>2026-11-04T15:30:00+07:00<",
                        "<expires>04/11/2026 15:30<"), "info[1].expires: '04/11/2026 15:30' is not a CAP time:"
                        + " date, time and offset, e.g. 2026-11-24T05:30:00+07:00"),
                arguments("size with a unit", SampleAlerts.with(FLOOD, "<size>482304</size>", "<size>482 kB</size>"),
                        "info[1].resource[2].size: '482 kB' is not a size in bytes"),
                arguments("uri with a space", SampleAlerts.with(FLOOD, "cap/2026/lu-1015-03.png", "cap/2026/lu 03.png"),
                        "info[1].resource[1].uri: 'https://canhbao.example.vn/cap/2026/lu 03.png' is not a URI:"
                                + " Illegal character in path"),
                arguments("resource without mimeType", SampleAlerts.with(FLOOD, "<mimeType>image/png</mimeType>", ""),
                        "info[1].resource[1].mimeType: is missing"),
                arguments("area without description", SampleAlerts.with(POLYGON,
                        "<areaDesc>Thượng nguồn sông Kiến Giang</areaDesc>", ""), "info[1].area[1].areaDesc: is missing"),
                arguments("geocode without value", SampleAlerts.with(FLOOD,
                        "<value>VN-44</value>", ""), "info[1].area[2].geocode[1].value: is missing"),
                arguments("polygon of three points", SampleAlerts.with(POLYGON, RING,
                        "17.30,106.60 17.10,106.95 17.30,106.60"), "info[1].area[1].polygon[1]: has 3 point(s);"
                        + " a CAP polygon needs at least 4, the first repeated as the last"),
                arguments("polygon with a semicolon", SampleAlerts.with(POLYGON, RING,
                        "17.30;106.60 17.30,106.95 17.10,106.95 17.30;106.60"),
                        "info[1].area[1].polygon[1]: '17.30;106.60' is not a point \"lat,lon\""),
                arguments("polygon with lat and lon swapped", SampleAlerts.with(POLYGON, RING,
                        "106.60,17.30 106.95,17.30 106.95,17.10 106.60,17.30"), "info[1].area[1].polygon[1]:"
                        + " '106.60,17.30': latitude 106.6 is not within -90 to 90 degrees"),
                arguments("circle without radius", SampleAlerts.with(TYPHOON, "<cap:circle>16.10,108.90 120</cap:circle>",
                        "<cap:circle>16.10,108.90</cap:circle>"),
                        "info[1].area[1].circle[1]: '16.10,108.90' is not \"lat,lon radius\" (radius in km)"),
                arguments("circle with a negative radius", SampleAlerts.with(TYPHOON, "16.10,108.90 120<",
                        "16.10,108.90 -5<"), "info[1].area[1].circle[1]: radius -5.0 km is not a distance"),
                arguments("circle radius in words", SampleAlerts.with(TYPHOON, "16.10,108.90 120<",
                        "16.10,108.90 120km<"),
                        "info[1].area[1].circle[1]: radius '120km' is not a number of kilometres"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variations")
    void aWrongMessageIsRefusedNamingTheElementAndTheProblem(String what, String xml, String message) {
        CapException refused = assertThrows(CapException.class, () -> SampleAlerts.parseXml(xml));

        assertEquals(message, refused.getMessage());
    }
}
