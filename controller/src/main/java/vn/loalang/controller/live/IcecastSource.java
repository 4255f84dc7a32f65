package vn.loalang.controller.live;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The controller as Icecast's source client for one channel (decision 0030): an HTTP PUT to the
 * mount with the source password, then the channel's MP3 frame by frame, as they come. ffmpeg
 * never holds the source password, and the same frames go to the recorder. On any error the
 * connection is made again with a jittered back-off of 1 to 10 s; frames that come meanwhile are
 * dropped past {@link #QUEUED_FRAMES} (about 10 s): stations want the live edge, not a backlog.
 * One thread, {@code icecast-src-{channel}}, does the connecting and the writing, so the channel's
 * producer never waits for Icecast.
 */
public final class IcecastSource implements FrameListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IcecastSource.class);
    /** About 10 s of 26 ms frames. */
    static final int QUEUED_FRAMES = 400;
    private static final byte[] END = new byte[0];
    /** Audio held before it is written to Icecast, at most (see the writing loop). */
    private static final long COALESCE_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100);

    private final URI icecast;
    private final String mount;
    private final String authorization;
    private final String name;
    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUED_FRAMES);
    private final Thread thread;
    private volatile boolean closed;
    private volatile Socket socket;
    private volatile boolean connected;

    /**
     * @param icecast Icecast's address as the controller reaches it, e.g. http://127.0.0.1:8000
     * @param mount   e.g. /relay-vov1.mp3
     */
    public IcecastSource(URI icecast, String mount, String sourcePassword, String name) {
        this.icecast = icecast;
        this.mount = mount;
        this.name = name;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                ("source:" + sourcePassword).getBytes(StandardCharsets.UTF_8));
        this.thread = new Thread(this::run, "icecast-src-" + mount.replaceAll("[^A-Za-z0-9._-]", ""));
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void frame(vn.loalang.audio.live.Frame frame) {
        write(frame.bytes());
    }

    @Override
    public void ended() {
        end();
    }

    /** One whole MP3 frame; never blocks (the oldest queued frame goes when the queue is full). */
    public void write(byte[] frame) {
        while (!queue.offer(frame)) {
            queue.poll();
        }
    }

    /** The channel ended: what is queued is sent, then the connection closes and Icecast drops the mount. */
    public void end() {
        write(END);
    }

    /** Whether the PUT is accepted and frames flow now. */
    public boolean connected() {
        return connected;
    }

    private void run() {
        int failures = 0;
        while (!closed) {
            try (Socket s = new Socket()) {
                socket = s;
                s.connect(new InetSocketAddress(icecast.getHost(), icecast.getPort() < 0 ? 80 : icecast.getPort()), 5000);
                s.setTcpNoDelay(true);
                s.setSoTimeout(10_000);
                OutputStream out = new java.io.BufferedOutputStream(s.getOutputStream(), 8192);
                out.write(("PUT " + mount + " HTTP/1.1\r\nHost: " + icecast.getHost() + ":" + icecast.getPort()
                        + "\r\nAuthorization: " + authorization + "\r\nUser-Agent: loalang-controller\r\n"
                        + "Content-Type: audio/mpeg\r\nIce-Public: 0\r\nIce-Name: " + ascii(name)
                        + "\r\nExpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String status = statusLine(s.getInputStream());
                if (!status.matches("HTTP/1\\.[01] (100|200).*")) {
                    throw new IOException("Icecast refused the source: " + status);
                }
                connected = true;
                if (failures > 0) {
                    log.info("Channel {} feeds Icecast {} again", name, mount);
                } else {
                    log.info("Channel {} feeds Icecast {}", name, mount);
                }
                failures = 0;
                // Frames go in groups of a tenth of a second, as the embedded server sends them
                // (LiveStreamServer.COALESCE): Icecast passes on what it reads, and one frame per segment to each
                // station costs a metered SIM half as much again as the audio.
                long flushBy = 0;
                boolean unflushed = false;
                while (!closed) {
                    byte[] frame = unflushed
                            ? queue.poll(Math.max(0, flushBy - System.nanoTime()), TimeUnit.NANOSECONDS)
                            : queue.poll(1, TimeUnit.SECONDS);
                    if (frame == END) {
                        out.flush();
                        log.info("Channel {} ended: its Icecast mount {} is released", name, mount);
                        return;
                    }
                    if (frame == null) {
                        if (unflushed) {
                            out.flush();
                            unflushed = false;
                        }
                        continue;
                    }
                    out.write(frame);
                    if (!unflushed) {
                        unflushed = true;
                        flushBy = System.nanoTime() + COALESCE_NANOS;
                    }
                    if (System.nanoTime() >= flushBy) {
                        out.flush();
                        unflushed = false;
                    }
                }
            } catch (IOException e) {
                connected = false;
                if (closed) {
                    return;
                }
                failures++;
                long wait = Math.min(10_000, 1000L << Math.min(failures - 1, 4));
                wait = wait / 2 + ThreadLocalRandom.current().nextLong(wait / 2 + 1);
                log.warn("Channel {} cannot feed Icecast {} ({}); trying again in {} ms", name, mount, e.getMessage(), wait);
                try {
                    // The back-off of a reconnecting client. Frames that come meanwhile are dropped (stations want the
                    // live edge when it is back); the channel's end, or close(), ends the wait.
                    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wait);
                    long left;
                    while (!closed && (left = until - System.nanoTime()) > 0) {
                        if (queue.poll(left, TimeUnit.NANOSECONDS) == END) {
                            return;
                        }
                    }
                } catch (InterruptedException ie) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                connected = false;
            }
        }
    }

    /** The answer's status line; the rest of its head is read up to its empty line. */
    private static String statusLine(InputStream in) throws IOException {
        String status = line(in);
        String header;
        do {
            header = line(in);
        } while (!header.isEmpty());
        return status;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("Icecast closed the connection");
            }
            if (b != '\r' && line.size() < 1024) {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private static String ascii(String s) {
        return s.replaceAll("[^\\x20-\\x7e]", "?");
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
