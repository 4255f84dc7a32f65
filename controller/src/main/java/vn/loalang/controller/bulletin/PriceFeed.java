package vn.loalang.controller.bulletin;

import vn.loalang.controller.mirror.OutboundUrls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches a price table published as JSON at a URL an administrator typed: within a deadline for the whole
 * answer (a feed that stalls half-way must not hold the morning's bulletin), at most {@link PriceTableJson#MAX_BYTES},
 * and never from the controller's own machine or a link-local address (cloud metadata, the Icecast callbacks that
 * trust loopback) unless the controller is told local addresses are allowed (tests, a feed on the same box).
 */
public final class PriceFeed {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** Why a feed gave no table, in words for the operator (Vietnamese / English). */
    public static final class FeedException extends Exception {
        public FeedException(String message) {
            super(message);
        }
    }

    private final HttpClient client;
    private final Duration timeout;
    private final boolean allowLocal;

    /** @param allowLocal whether loopback and link-local addresses may be fetched ({@code --mirror-allow-local}) */
    public PriceFeed(Duration timeout, boolean allowLocal) {
        this.timeout = timeout;
        this.allowLocal = allowLocal;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * Refuses a URL the controller must not fetch, by its text alone (no DNS query: an office without Internet would
     * wait on it): the mirror's rule for every address an administrator types ({@link OutboundUrls}).
     */
    public URI check(String url) throws FeedException {
        try {
            return OutboundUrls.check(url, allowLocal);
        } catch (IllegalArgumentException e) {
            throw new FeedException("Nguồn giá: / price feed: " + e.getMessage());
        }
    }

    /** Before connecting, the host's addresses as resolved now: a name may point at this machine. */
    private void checkResolved(URI uri) throws FeedException {
        if (allowLocal) {
            return;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(uri.getHost());
        } catch (UnknownHostException e) {
            throw new FeedException("Không tìm thấy máy " + uri.getHost() + " / host " + uri.getHost() + " is unknown");
        }
        for (InetAddress a : addresses) {
            if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress() || a.isMulticastAddress()) {
                throw new FeedException("Không lấy giá từ chính máy chủ hay địa chỉ link-local " + a.getHostAddress()
                        + " / a feed on the controller itself or at link-local address " + a.getHostAddress()
                        + " is refused");
            }
        }
    }

    /** The feed's answer, read as a price table ({@link PriceTableJson}). */
    public TableRead fetch(String url, String market) throws FeedException {
        URI uri = check(url);
        checkResolved(uri);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json")
                .header("User-Agent", "loalang-controller").GET().build();
        CompletableFuture<HttpResponse<byte[]>> answer = client.sendAsync(request,
                info -> new Bounded(PriceTableJson.MAX_BYTES));
        HttpResponse<byte[]> response;
        try {
            response = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new FeedException("Nguồn giá không trả lời trong " + timeout.toSeconds() + " giây / the feed did not"
                    + " answer within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new FeedException(cause instanceof TooLarge ? cause.getMessage()
                    : "Không lấy được giá từ nguồn / the feed could not be fetched: " + cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FeedException("interrupted");
        }
        if (response.statusCode() != 200) {
            throw new FeedException("Nguồn giá trả lời HTTP " + response.statusCode() + " / the feed answered HTTP "
                    + response.statusCode());
        }
        return PriceTableJson.read(response.body(), market);
    }

    private static final class TooLarge extends IOException {
        TooLarge(int max) {
            super("Nguồn giá gửi quá " + max / 1024 + " KB / the feed sent more than " + max / 1024 + " KB");
        }
    }

    /** The body, kept in memory up to {@code max} bytes; beyond, the download is cancelled. */
    private static final class Bounded implements HttpResponse.BodySubscriber<byte[]> {
        private final int max;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        Bounded(int max) {
            this.max = max;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer b : buffers) {
                if (body.size() + b.remaining() > max) {
                    subscription.cancel();
                    result.completeExceptionally(new TooLarge(max));
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                body.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(body.toByteArray());
        }
    }
}
