package vn.loalang.systemtests.support;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shaping relay against a real echo server on 127.0.0.1: delay, pace, stall, silent drops, counts. */
class ShapingProxyTest {
    private ServerSocket echo;
    private final AtomicLong echoed = new AtomicLong();
    private ShapingProxy proxy;

    @BeforeEach
    void echoServer() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread pump = new Thread(() -> {
                        byte[] b = new byte[4096];
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            for (int n; (n = in.read(b)) >= 0; ) {
                                echoed.addAndGet(n);
                                out.write(b, 0, n);
                                out.flush();
                            }
                        } catch (IOException e) {
                            // the client or the test went away
                        }
                    });
                    pump.setDaemon(true);
                    pump.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    @AfterEach
    void stop() throws Exception {
        Closing.inOrder(proxy, echo);
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        s.setSoTimeout(5000);
        return s;
    }

    /** Milliseconds from sending {@code bytes} to reading all of them back. */
    private static long roundTrip(Socket s, int bytes) throws IOException {
        long start = System.nanoTime();
        s.getOutputStream().write(new byte[bytes]);
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        byte[] b = new byte[8192];
        for (int got = 0; got < bytes; ) {
            int n = in.read(b);
            if (n < 0) {
                throw new IOException("closed after " + got + " bytes");
            }
            got += n;
        }
        return Duration.ofNanos(System.nanoTime() - start).toMillis();
    }

    @Test
    void aSmallMessageTakesTheRoundTripAndCountsBothWays() throws Exception {
        proxy = ShapingProxy.start(echo.getLocalPort(), ShapingProxy.Shape.RURAL_3G);
        try (Socket s = connect()) {
            long ms = roundTrip(s, 10);
            assertTrue(ms >= 300 && ms < 900, "a 10-byte echo took " + ms + " ms through a 300 ms link");
        }
        assertEquals(1, proxy.connections());
        assertEquals(10, proxy.bytesFromClients());
        assertEquals(10, proxy.bytesToClients());
    }

    @Test
    void bulkDataIsPacedToTheLinkRate() throws Exception {
        proxy = ShapingProxy.start(echo.getLocalPort(), new ShapingProxy.Shape(Duration.ZERO, 384_000, null));
        try (Socket s = connect()) {
            // 48 kB is 1 s at 384 kbit/s each way; the two directions overlap, so about 1 s in all.
            long ms = roundTrip(s, 48_000);
            assertTrue(ms >= 900 && ms < 3000, "48 kB echoed in " + ms + " ms at 384 kbit/s");
        }
    }

    @Test
    void aStallHoldsTheBytesAndLosesNone() throws Exception {
        proxy = ShapingProxy.start(echo.getLocalPort(), ShapingProxy.Shape.LOOPBACK);
        try (Socket s = connect()) {
            proxy.stall(Duration.ofMillis(800));
            long ms = roundTrip(s, 1000);
            assertTrue(ms >= 700, "an echo during an 800 ms stall came back in " + ms + " ms");
            assertTrue(roundTrip(s, 1000) < 500, "after the stall the link is fast again");
        }
    }

    @Test
    void aSilentDropNeitherClosesNorResetsAndTheNextConnectionWorks() throws Exception {
        proxy = ShapingProxy.start(echo.getLocalPort(), ShapingProxy.Shape.LOOPBACK);
        try (Socket s = connect()) {
            roundTrip(s, 100);
            proxy.dropSilently();
            s.setSoTimeout(1000);
            s.getOutputStream().write(new byte[100]);
            // No FIN (read would return -1) and no RST (read would throw a SocketException): only silence.
            assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read());
            assertEquals(100, echoed.get(), "nothing sent after the drop reached the server");
            try (Socket again = connect()) {
                assertTrue(roundTrip(again, 100) < 1000);
            }
        }
        assertEquals(2, proxy.connections());
    }

    @Test
    void aConnectionIdleLongerThanTheNatTimeoutIsForgottenAndOneInUseIsNot() throws Exception {
        proxy = ShapingProxy.start(echo.getLocalPort(), ShapingProxy.Shape.LOOPBACK.withNatIdle(Duration.ofMillis(600)));
        try (Socket idle = connect(); Socket busy = connect()) {
            roundTrip(idle, 10);
            long until = System.nanoTime() + Duration.ofMillis(1500).toNanos();
            while (System.nanoTime() < until) {
                roundTrip(busy, 10); // keeps its mapping alive, as a keepalive ping does
                await().pollDelay(Duration.ofMillis(200)).until(() -> true);
            }
            assertTrue(roundTrip(busy, 10) < 1000, "the connection in use still forwards");
            assertEquals(1, proxy.forwarding(), "only the connection in use is still forwarded");
            idle.setSoTimeout(1000);
            idle.getOutputStream().write(new byte[10]);
            assertThrows(SocketTimeoutException.class, () -> idle.getInputStream().read());
        }
    }
}
