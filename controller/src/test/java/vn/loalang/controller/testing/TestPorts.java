package vn.loalang.controller.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for the servers a test starts (brokers, HTTP servers, Icecast, Mosquitto) on 127.0.0.1.
 *
 * <p>A port asked of the kernel with bind(0) comes from its ephemeral range (32768–60999 on Linux), the
 * range every outgoing connection of every process also takes its local port from: between the test
 * choosing such a port and its server binding it, a client socket could take it, and the server then
 * failed to bind or a client reached another test's server. These ports come from below that range
 * instead, from a share of it that belongs to this JVM's surefire fork ({@code loalang.testFork}, set from
 * {@code surefire.forkNumber} in the build), so two forks never pick the same one, and in turn, so a port
 * just closed by one test is not handed to the next.
 */
public final class TestPorts {
    private static final int LOW = 10_000;
    /** Below Linux's default ephemeral range (32768). */
    private static final int HIGH = 32_000;
    private static final int SHARES = 4;
    private static final int SPAN = (HIGH - LOW) / SHARES;
    private static final int BASE = LOW + Math.floorMod(Integer.getInteger("loalang.testFork", 1) - 1, SHARES) * SPAN;
    private static final AtomicInteger NEXT = new AtomicInteger(ThreadLocalRandom.current().nextInt(SPAN));

    private TestPorts() {
    }

    /** A port of this fork's share that nothing listens on at the moment. */
    public static int free() {
        for (int tried = 0; tried < SPAN; tried++) {
            int port = BASE + Math.floorMod(NEXT.getAndIncrement(), SPAN);
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                return port;
            } catch (IOException inUse) {
                // taken by something else: the next one
            }
        }
        throw new IllegalStateException("no free port on 127.0.0.1 between " + BASE + " and " + (BASE + SPAN - 1));
    }
}
