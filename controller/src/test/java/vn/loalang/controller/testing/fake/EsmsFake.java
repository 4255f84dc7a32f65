package vn.loalang.controller.testing.fake;

import com.fasterxml.jackson.databind.JsonNode;
import vn.loalang.protocol.Json;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * eSMS.vn's {@code POST /MainService.svc/json/SendMultipleMessage_V4_post_json/} as its developer docs describe it:
 * HTTP 200 with {@code CodeResult} 100 and an {@code SMSID}, or an error code from its table (101 keys, 104
 * brandname, 108 phone format, 124 duplicate RequestId, …). Keys, brandname, phone format and the balance
 * ({@link #outOfBalance}) are checked as eSMS does; other codes (140 IP, 146 template, 99 blocked) are scripted
 * with {@link #code}.
 */
public final class EsmsFake extends FakeHttpApi {
    public static final String PATH = "/MainService.svc/json/SendMultipleMessage_V4_post_json/";

    /** One SMS eSMS accepted. */
    public record Sms(String phone, String content, String brandname, String isUnicode, String requestId,
                      String sandbox, String smsType) {
    }

    private final String apiKey;
    private final String secretKey;
    private final String brandname;
    private final AtomicInteger serial = new AtomicInteger();
    private final List<Sms> accepted = new CopyOnWriteArrayList<>();
    private final Set<String> requestIds = ConcurrentHashMap.newKeySet();
    private volatile boolean outOfBalance;

    public EsmsFake(String apiKey, String secretKey, String brandname) {
        this.apiKey = apiKey;
        this.secretKey = secretKey;
        this.brandname = brandname;
        otherwise(this::answer);
    }

    /** From now on (or no longer), the account has no balance: every send is 103, as until someone tops it up. */
    public EsmsFake outOfBalance(boolean empty) {
        this.outOfBalance = empty;
        return this;
    }

    public List<Sms> accepted() {
        return List.copyOf(accepted);
    }

    public static Answer code(String code, String message) {
        return Answer.json(200, "{\"CodeResult\":\"" + code + "\",\"CountRegenerate\":0,\"ErrorMessage\":\""
                + message + "\"}");
    }

    private Answer answer(Request r) {
        if (!r.method().equals("POST") || !r.path().equals(PATH)) {
            return Answer.text(404, "Endpoint not found.");
        }
        JsonNode b;
        try {
            b = Json.mapper().readTree(r.body());
        } catch (IOException e) {
            return Answer.text(400, "The server encountered an error processing the request.");
        }
        if (!apiKey.equals(b.path("ApiKey").asText()) || !secretKey.equals(b.path("SecretKey").asText())) {
            return code("101", "Authorize Failed");
        }
        if (outOfBalance) {
            return code("103", "Balance not enough to send message");
        }
        if (!brandname.equals(b.path("Brandname").asText())) {
            return code("104", "Brandname khong ton tai hoac da bi huy");
        }
        String phone = b.path("Phone").asText();
        if (!phone.matches("0[35789]\\d{8}")) {
            return code("108", "Phone number is not in correct format");
        }
        String requestId = b.path("RequestId").asText("");
        if (!requestId.isEmpty() && !requestIds.add(requestId)) {
            return code("124", "Trung RequestId");
        }
        accepted.add(new Sms(phone, b.path("Content").asText(), b.path("Brandname").asText(),
                b.path("IsUnicode").asText(), requestId, b.path("Sandbox").asText(), b.path("SmsType").asText()));
        return Answer.json(200, "{\"CodeResult\":\"100\",\"CountRegenerate\":0,\"SMSID\":\"esms-"
                + serial.incrementAndGet() + "-7f3a\"}");
    }
}
