package vn.loalang.controller.content;

import java.net.URI;

/**
 * Where stations fetch the library's files: the public URL when one is given, else this machine's
 * HTTP port. That port may be chosen by the system (port 0), so it is known only once the HTTP
 * listener is open; the controller builds everything that reads the address first and opens the
 * port after, so the address is read (at the first compile) only once it is known. Read earlier, it
 * says so instead of handing out a wrong URL.
 */
public final class ContentAddress {
    private final URI publicUrl;
    private volatile URI local;

    /** @param publicUrl the address stations are told to use; null: this machine's HTTP port, once open */
    public ContentAddress(URI publicUrl) {
        this.publicUrl = publicUrl;
    }

    /** Called once the HTTP listener is open on {@code port}. */
    public void httpOpenOn(int port) {
        this.local = URI.create("http://127.0.0.1:" + port);
    }

    /** @throws IllegalStateException no public URL was given and the HTTP port is not open yet */
    public URI base() {
        if (publicUrl != null) {
            return publicUrl;
        }
        URI known = local;
        if (known == null) {
            throw new IllegalStateException("the content address is read before the HTTP port is open: the controller"
                    + " compiles schedules only after opening its ports");
        }
        return known;
    }
}
