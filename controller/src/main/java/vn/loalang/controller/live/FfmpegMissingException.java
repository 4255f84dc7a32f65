package vn.loalang.controller.live;

/** ffmpeg does not run where the controller was told to find it: live relays and talks cannot work. */
public final class FfmpegMissingException extends RuntimeException {
    public FfmpegMissingException(String program, String reason) {
        super("Không chạy được ffmpeg / ffmpeg cannot be run as '" + program + "' (" + reason + "): live relays and "
                + "talks need it; install it (apt-get install ffmpeg) or give its path with --ffmpeg");
    }
}
