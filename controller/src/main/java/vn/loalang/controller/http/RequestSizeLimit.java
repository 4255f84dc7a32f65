package vn.loalang.controller.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.LogText;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The total size of any request body, whatever the route: a body that announces more than the limit is
 * refused (413) before a byte of it is read, and one sent without a length (chunked) is cut off at the
 * limit as it arrives. JSON and CAP bodies get {@code maxBody}; a multipart form posted to the upload
 * route gets {@code maxUpload}, which the route narrows again to the uploader's own limit.
 */
final class RequestSizeLimit implements Filter {
    private static final Logger log = LoggerFactory.getLogger(RequestSizeLimit.class);

    /** Thrown while reading a body without a length that passes the limit; answered 413. */
    static final class BodyTooLarge extends RuntimeException {
        BodyTooLarge(long limit) {
            super(message(limit));
        }
    }

    /** The one route that takes an upload (api.LibraryRoutes). */
    static final String UPLOAD_PATH = "/api/library";
    /** The agent releases' upload (api.ReleaseRoutes), which narrows the limit to a jar's. */
    static final String RELEASE_UPLOAD_PATH = "/api/releases";

    private final long maxBody;
    private final long maxUpload;

    RequestSizeLimit(long maxBody, long maxUpload) {
        this.maxBody = maxBody;
        this.maxUpload = maxUpload;
    }

    static String message(long limit) {
        return "Yêu cầu quá lớn / the request is larger than the " + (limit >= 1 << 20 ? (limit >> 20) + " MB"
                : (limit >> 10) + " KB") + " this server takes";
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        long limit = isUpload(req) ? maxUpload : maxBody;
        long declared = req.getContentLengthLong();
        if (declared > limit) {
            log.warn("{} {} from {} refused: it announces {} bytes, more than the {} allowed", req.getMethod(),
                    LogText.of(req.getRequestURI(), 200), req.getRemoteAddr(), declared, limit);
            refuse((HttpServletResponse) response, limit);
            return;
        }
        chain.doFilter(declared >= 0 ? req : new Bounded(req, limit), response);
    }

    /**
     * Only the library's upload route takes a form the size of a recording. Anywhere else a multipart body
     * gets the JSON limit: a route that reads its body whole (the login) must not be handed half a gigabyte.
     */
    static boolean isUpload(HttpServletRequest req) {
        String type = req.getContentType();
        return "POST".equals(req.getMethod())
                && (UPLOAD_PATH.equals(req.getRequestURI()) || RELEASE_UPLOAD_PATH.equals(req.getRequestURI()))
                && type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data");
    }

    static void refuse(HttpServletResponse response, long limit) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", message(limit));
        body.put("field", null);
        response.setStatus(413);
        response.setContentType("application/json");
        // The unread body is not waited for: the connection closes after this answer.
        response.setHeader("Connection", "close");
        response.getOutputStream().write(Json.write(body));
    }

    /** A request whose body is counted as it is read. */
    private static final class Bounded extends HttpServletRequestWrapper {
        private final long limit;
        private ServletInputStream in;

        Bounded(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (in == null) {
                in = new Counting(super.getInputStream(), limit);
            }
            return in;
        }
    }

    private static final class Counting extends ServletInputStream {
        private final ServletInputStream in;
        private final long limit;
        private long read;

        Counting(ServletInputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        private int count(int n) {
            if (n > 0) {
                read += n;
                if (read > limit) {
                    throw new BodyTooLarge(limit);
                }
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return count(in.read(b, off, len));
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
