package vn.loalang.agent.update;

import vn.loalang.protocol.station.Release;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Fetches a release's jar into {@link UpdateFiles#staged()}: never more bytes than the release
 * says (a wrong or hostile server cannot fill the card), its SHA-256 checked against the signed one,
 * forced to the card, and renamed into place in one step, so that the start script sees either a
 * whole verified build or none.
 */
final class ReleaseDownload {
    /** Why a release was not staged; its message is the operator's sentence. */
    static final class FailedException extends Exception {
        FailedException(String message) {
            super(message);
        }
    }

    private final HttpClient http;

    ReleaseDownload(SSLContext tls) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NEVER);
        if (tls != null) {
            b.sslContext(tls);
        }
        this.http = b.build();
    }

    /** Downloads and stages {@code release}; whatever was staged before is replaced. */
    void stage(Release release, UpdateFiles files) throws FailedException, IOException, InterruptedException {
        Path staging = files.staging();
        deleteTree(staging);
        Files.createDirectories(staging);
        Path jar = staging.resolve(UpdateFiles.JAR);
        // A 20 MB jar over a 384 kbit/s SIM link takes about 7 minutes: the bound is for a dead server.
        HttpRequest request = HttpRequest.newBuilder(URI.create(release.url())).timeout(Duration.ofMinutes(30)).GET().build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
        long written = 0;
        try (InputStream in = response.body();
             FileChannel out = FileChannel.open(jar, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            if (response.statusCode() != 200) {
                throw new FailedException("the release server answered HTTP " + response.statusCode() + " for " + release.url());
            }
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                written += n;
                if (written > release.size()) {
                    throw new FailedException("the download is larger than the release's " + release.size() + " bytes");
                }
                sha.update(buf, 0, n);
                out.write(ByteBuffer.wrap(buf, 0, n));
            }
            out.force(true);
        } catch (FailedException | IOException e) {
            deleteTree(staging);
            throw e;
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (written != release.size() || !actual.equals(release.sha256())) {
            deleteTree(staging);
            throw new FailedException("the download (" + written + " bytes, SHA-256 " + actual + ") is not the signed release ("
                    + release.size() + " bytes, SHA-256 " + release.sha256() + ")");
        }
        new UpdateFiles(staging).write("version", release.version());
        new UpdateFiles(staging).write("sha256", release.sha256());
        deleteTree(files.staged());
        Files.move(staging, files.staged(), StandardCopyOption.ATOMIC_MOVE);
        UpdateFiles.syncDirectory(files.dir());
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
