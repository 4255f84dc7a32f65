package vn.loalang.controller.live;

import java.net.URI;

/**
 * Where stations fetch live channels, and the program that makes them.
 *
 * @param icecast       null: the controller serves {@code /live/{mount}} itself (embedded, the default)
 * @param ffmpeg        the ffmpeg program, a path or a name on PATH
 */
public record LiveServerSettings(IcecastSettings icecast, String ffmpeg) {
    public static final LiveServerSettings EMBEDDED = new LiveServerSettings(null, "ffmpeg");

    public LiveServerSettings {
        ffmpeg = ffmpeg == null || ffmpeg.isBlank() ? "ffmpeg" : ffmpeg;
    }

    public boolean embedded() {
        return icecast == null;
    }

    /**
     * Production's Icecast2.
     *
     * @param url              how the controller reaches it (source and admin), e.g. http://127.0.0.1:8000
     * @param publicUrl        how stations reach it, e.g. https://radio.xa-an-binh.vn:8443
     * @param callbackUser     the user name Icecast's url-auth sends with its callbacks
     */
    public record IcecastSettings(URI url, URI publicUrl, String sourcePassword, String adminUser, String adminPassword,
                                  String callbackUser, String callbackPassword) {
        public IcecastSettings {
            if (url == null || publicUrl == null) {
                throw new IllegalArgumentException("--live-server icecast needs --icecast-url (how the controller reaches "
                        + "Icecast) and --icecast-public-url (how stations reach it)");
            }
            if (sourcePassword == null || adminPassword == null || callbackPassword == null) {
                throw new IllegalArgumentException("--live-server icecast needs --icecast-source-password-file, "
                        + "--icecast-admin-password-file and --icecast-callback-password-file (see docs/deployment.md)");
            }
            adminUser = adminUser == null ? "admin" : adminUser;
            callbackUser = callbackUser == null ? "icecast" : callbackUser;
        }
    }
}
