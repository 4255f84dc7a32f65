package vn.loalang.systemtests.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Ports on 127.0.0.1 for the servers a test starts, and whether something listens on one. */
public final class Ports {
    private Ports() {
    }

    /** A port nothing listens on at the moment, outside the kernel's ephemeral range and this fork's own. */
    public static int free() {
        return vn.loalang.controller.testing.TestPorts.free();
    }

    public static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
