package vn.loalang.controller.mirror;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Two writers of one channel's secrets never undo each other (review of issue 19, item 8): the settings page setting
 * the app secret while Zalo's renewal writes its new tokens, each through its own object of the same file.
 */
class FileChannelSecretsTest {
    @TempDir
    Path dir;

    @Test
    void concurrentUpdatesOfDifferentKeysBothSurvive() throws Exception {
        new FileChannelSecrets(dir, "zl").write(Map.of("refreshToken", "zrt-1"));
        FileChannelSecrets renewal = new FileChannelSecrets(dir, "zl");
        FileChannelSecrets settings = new FileChannelSecrets(dir, "zl");
        CountDownLatch renewalInside = new CountDownLatch(1);
        CountDownLatch settingsInside = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            // The renewal has read the file and holds on to it; the settings come in meanwhile.
            CompletableFuture<Boolean> renewed = CompletableFuture.supplyAsync(() -> {
                boolean[] overlapped = {false};
                renewal.update(now -> {
                    renewalInside.countDown();
                    try {
                        // With the file's lock held the settings cannot come in: this waits out its bound.
                        overlapped[0] = settingsInside.await(1, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    now.put("refreshToken", "zrt-2");
                    now.put("accessToken", "zat-2");
                    return now;
                });
                return overlapped[0];
            }, threads);
            assertEquals(true, renewalInside.await(5, TimeUnit.SECONDS));
            CompletableFuture<Void> set = CompletableFuture.runAsync(() -> settings.update(now -> {
                settingsInside.countDown();
                now.put("appSecret", "new-app-secret");
                return now;
            }), threads);

            boolean overlapped = renewed.get(10, TimeUnit.SECONDS);
            set.get(10, TimeUnit.SECONDS);
            assertEquals(Map.of("refreshToken", "zrt-2", "accessToken", "zat-2", "appSecret", "new-app-secret"),
                    new FileChannelSecrets(dir, "zl").read(), "neither the new tokens nor the new app secret is lost");
            assertFalse(overlapped, "the two updates ran one after the other");
        } finally {
            threads.shutdownNow();
        }
    }
}
