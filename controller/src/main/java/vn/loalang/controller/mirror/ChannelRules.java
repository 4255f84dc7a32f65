package vn.loalang.controller.mirror;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What each kind of channel may be given, checked before anything is kept: its non-secret settings (with their
 * bounds), the names of its secrets, and the shape of a target's address. One place, so the console, the API and
 * the channels (WP3) agree on the names. Messages are Vietnamese first, with English after a slash.
 */
public final class ChannelRules {
    /** Settings every kind takes: a service's address (tests point it at a local server) and its pace. */
    private static final Set<String> COMMON = Set.of("apiBase", "ratePerMinute", "requestTimeoutSeconds");
    private static final Pattern DIGITS = Pattern.compile("\\d{1,32}");
    /** eSMS brandnames are registered names of at most 11 characters (letters, digits, space, dot, dash). */
    private static final Pattern BRANDNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]{0,10}");
    private static final Pattern TELEGRAM_CHAT = Pattern.compile("-?\\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31}");
    private static final Pattern ZALO_GROUP = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private ChannelRules() {
    }

    /** The names of a kind's secrets, all of which must be set before it can send. */
    public static List<String> secretNames(ChannelKind kind) {
        return switch (kind) {
            case TELEGRAM -> List.of("botToken");
            case ZALO -> List.of("appSecret", "refreshToken");
            case ESMS -> List.of("apiKey", "secretKey");
            case ANDROID_SMS -> List.of("username", "password");
            case WEBHOOK -> List.of("signingSecret");
        };
    }

    /** The settings a kind takes besides {@link #COMMON}. */
    private static Set<String> own(ChannelKind kind) {
        return switch (kind) {
            case TELEGRAM, WEBHOOK -> Set.of();
            case ZALO -> Set.of("appId", "oauthBase");
            case ESMS -> Set.of("brandname", "unicode", "maxSegments", "sandbox");
            case ANDROID_SMS -> Set.of("address", "unicode", "maxSegments", "ttlSeconds");
        };
    }

    /**
     * The settings checked and trimmed, blank ones left out; an {@link IllegalArgumentException} naming the setting
     * otherwise. {@code allowLocal}: addresses on this machine are allowed (tests).
     */
    public static Map<String, String> settings(ChannelKind kind, Map<String, String> typed, boolean allowLocal) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : (typed == null ? Map.<String, String>of() : typed).entrySet()) {
            String key = e.getKey();
            if (!COMMON.contains(key) && !own(kind).contains(key)) {
                throw new Refused(key, "Kênh " + kind + " không có mục cài đặt '" + key + "' / a " + kind
                        + " channel has no setting '" + key + "' (it takes " + String.join(", ",
                        new java.util.TreeSet<>(union(kind))) + ")");
            }
            String value = e.getValue() == null ? "" : e.getValue().strip();
            if (!value.isEmpty()) {
                out.put(key, check(key, value, allowLocal));
            }
        }
        switch (kind) {
            case ZALO -> required(out, "appId", "mã ứng dụng Zalo (App ID) / the Zalo app id");
            case ESMS -> required(out, "brandname", "tên thương hiệu SMS (brandname) đã đăng ký / the registered"
                    + " brandname");
            case ANDROID_SMS -> required(out, "address", "địa chỉ điện thoại làm cổng SMS / the gateway phone's address");
            default -> { }
        }
        return out;
    }

    private static Set<String> union(ChannelKind kind) {
        Set<String> all = new java.util.HashSet<>(COMMON);
        all.addAll(own(kind));
        return all;
    }

    private static void required(Map<String, String> settings, String key, String what) {
        if (!settings.containsKey(key)) {
            throw new Refused(key, "Cần nhập " + what);
        }
    }

    private static String check(String key, String value, boolean allowLocal) {
        switch (key) {
            case "apiBase", "address", "oauthBase" -> {
                try {
                    OutboundUrls.check(value, allowLocal);
                } catch (IllegalArgumentException e) {
                    throw new Refused(key, e.getMessage());
                }
            }
            case "ratePerMinute" -> number(key, value, 1, 600);
            case "maxSegments" -> number(key, value, 1, 5);
            case "requestTimeoutSeconds" -> number(key, value, 1, 60);
            case "ttlSeconds" -> number(key, value, 60, 86_400);
            case "appId" -> {
                if (!DIGITS.matcher(value).matches()) {
                    throw new Refused(key, "Mã ứng dụng Zalo chỉ gồm chữ số / the Zalo app id is digits only");
                }
            }
            case "brandname" -> {
                if (!BRANDNAME.matcher(value).matches()) {
                    throw new Refused(key, "Brandname tối đa 11 ký tự chữ, số / a brandname is at most 11 letters"
                            + " and digits");
                }
            }
            case "unicode", "sandbox" -> {
                if (!value.equals("true") && !value.equals("false")) {
                    throw new Refused(key, key + ": true hoặc false / true or false");
                }
            }
            default -> throw new IllegalStateException("no rule for setting " + key);
        }
        return value;
    }

    private static void number(String key, String value, int min, int max) {
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new Refused(key, key + " phải là số / must be a number");
        }
        if (n < min || n > max) {
            throw new Refused(key, key + " từ " + min + " đến " + max + " / from " + min + " to " + max);
        }
    }

    /**
     * A chat target's address checked for its channel: a Telegram chat id or @channel, a Zalo group id, a webhook
     * URL. SMS channels take phone numbers, through {@link Phones}, with the resident's consent.
     */
    public static String targetAddress(ChannelKind kind, String typed, boolean allowLocal) {
        String value = typed == null ? "" : typed.strip();
        switch (kind) {
            case TELEGRAM -> {
                if (!TELEGRAM_CHAT.matcher(value).matches()) {
                    throw new Refused("address", "Mã nhóm Telegram là số (như -1001234567890) hoặc @tenkenh / a"
                            + " Telegram chat id is a number (like -1001234567890) or @channelname");
                }
            }
            case ZALO -> {
                if (!ZALO_GROUP.matcher(value).matches()) {
                    throw new Refused("address", "Mã nhóm Zalo (group_id) chỉ gồm chữ, số, '-' và '_' / a Zalo"
                            + " group id is letters, digits, '-' and '_'");
                }
            }
            case WEBHOOK -> {
                try {
                    OutboundUrls.check(value, allowLocal);
                } catch (IllegalArgumentException e) {
                    throw new Refused("address", e.getMessage());
                }
            }
            case ESMS, ANDROID_SMS -> throw new Refused("channel", "Số điện thoại được thêm ở mục \"Số điện thoại nhận"
                    + " SMS\", kèm sự đồng ý của người dân / phone numbers are added under the SMS list, with the"
                    + " resident's consent");
        }
        return value;
    }

    /** A value refused, naming the field it was given for. */
    public static final class Refused extends IllegalArgumentException {
        private final String field;

        public Refused(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }
}
