package vn.loalang.controller.mirror.channel;

import com.fasterxml.jackson.databind.JsonNode;
import vn.loalang.controller.mirror.ChannelConfig;
import vn.loalang.controller.mirror.OutboundAddress;
import vn.loalang.controller.mirror.Outcome;
import vn.loalang.protocol.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How every channel calls its service: one JDK {@link HttpClient} (no SDKs, decision 0045), connect 5 s, the whole
 * exchange bounded by the channel's request timeout (15 s unless {@code requestTimeoutSeconds} says otherwise), an
 * answer read to at most 64 KB. Whatever goes wrong on the way (no route, a timeout, a body too long) comes back as a
 * {@link Outcome.Retry} whose reason never quotes the request: a Telegram URL carries the bot token.
 */
public final class ChannelHttp {
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    public static final int MAX_ANSWER_BYTES = 64 * 1024;

    private ChannelHttp() {
    }

    /**
     * The client the channels share: connect 5 s, and never following a redirect (a redirect would carry a token's
     * header or path to an address no one configured).
     */
    public static HttpClient client() {
        return HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** The request timeout of this channel: the setting {@code requestTimeoutSeconds} (1 to 60), else 15 s. */
    static Duration requestTimeout(ChannelConfig config) {
        String s = config.setting("requestTimeoutSeconds", "");
        if (s.isEmpty()) {
            return REQUEST_TIMEOUT;
        }
        try {
            int seconds = Integer.parseInt(s.trim());
            if (seconds >= 1 && seconds <= 60) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // falls through to the refusal below
        }
        throw new IllegalArgumentException("requestTimeoutSeconds of channel " + config.id()
                + " must be a whole number of seconds from 1 to 60, not " + s);
    }

    /** A base address as typed, without the trailing slash the paths are appended after. */
    static String withoutSlash(String base) {
        String b = base.strip();
        return b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    }

    /** What a service answered: its status, headers and at most {@link #MAX_ANSWER_BYTES} of body. */
    record Answer(int status, HttpHeaders headers, byte[] body) {
        /** The body as JSON, or empty when it is not JSON (a proxy's HTML page, a cut body). */
        Optional<JsonNode> json() {
            try {
                JsonNode node = Json.mapper().readTree(body);
                return node == null || node.isMissingNode() ? Optional.empty() : Optional.of(node);
            } catch (IOException e) {
                return Optional.empty();
            }
        }
    }

    /** Either the service's answer or, when none came, why: a Retry, or ChannelDown for an address refused. */
    record Exchange(Answer answer, Outcome failure) {
        boolean answered() {
            return answer != null;
        }
    }

    /**
     * Sends {@code request} and waits for the whole answer at most {@code timeout}. {@code service} names the service
     * in the reason ("Telegram"). Unless {@code allowLocal} ({@code --mirror-allow-local}), a request whose host is
     * or resolves to this machine or a link-local address is not sent: the channel is down until a person changes
     * the address (an API base typed to reach the controller's own services or a cloud's metadata).
     */
    static Exchange call(HttpClient http, HttpRequest request, Duration timeout, String service, boolean allowLocal) {
        Optional<String> refused = OutboundAddress.refusal(request.uri(), allowLocal);
        if (refused.isPresent()) {
            // The refusal names the host and its address only: the URL's path may carry a token (Telegram's).
            return new Exchange(null, new Outcome.ChannelDown("địa chỉ của " + service + " không được phép / "
                    + service + "'s address is not allowed: " + refused.get()));
        }
        CompletableFuture<HttpResponse<byte[]>> future = http.sendAsync(request, info -> new BoundedBody());
        try {
            HttpResponse<byte[]> r = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Exchange(new Answer(r.statusCode(), r.headers(), r.body()), null);
        } catch (TimeoutException e) {
            future.cancel(true);
            return failed(service + " không trả lời trong " + timeout.toSeconds() + " giây / " + service
                    + " did not answer within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            return failed("gửi bị dừng giữa chừng / the send was interrupted");
        } catch (ExecutionException e) {
            return failed(reason(service, e.getCause(), timeout));
        }
    }

    private static Exchange failed(String reason) {
        return new Exchange(null, new Outcome.Retry(Duration.ZERO, reason, false));
    }

    /** Words for what went wrong, from the exception's type only: its message may quote the URL, and so a token. */
    private static String reason(String service, Throwable cause, Duration timeout) {
        if (cause instanceof HttpConnectTimeoutException) {
            return "không kết nối được tới " + service + " trong 5 giây / cannot connect to " + service + " within 5 s";
        }
        if (cause instanceof HttpTimeoutException) {
            return service + " không trả lời trong " + timeout.toSeconds() + " giây / " + service
                    + " did not answer within " + timeout.toSeconds() + " s";
        }
        if (cause instanceof ConnectException) {
            return "không kết nối được tới " + service + " (mạng hoặc địa chỉ) / cannot connect to " + service
                    + " (network or address)";
        }
        if (cause instanceof AnswerTooLong) {
            return service + " trả lời quá dài (trên 64 KB) / " + service + " answered more than 64 KB";
        }
        return "lỗi mạng khi gọi " + service + " / network error calling " + service + " ("
                + (cause == null ? "unknown" : cause.getClass().getSimpleName()) + ")";
    }

    /** A service's answer is bounded before it is in memory: a body past 64 KB fails the exchange. */
    static final class AnswerTooLong extends IOException {
        AnswerTooLong() {
            super("the answer is longer than " + MAX_ANSWER_BYTES + " bytes");
        }
    }

    private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            this.subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                if (bytes.size() + b.remaining() > MAX_ANSWER_BYTES) {
                    subscription.cancel();
                    result.completeExceptionally(new AnswerTooLong());
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }
    }
}
