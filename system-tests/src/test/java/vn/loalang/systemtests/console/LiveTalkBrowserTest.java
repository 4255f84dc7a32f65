package vn.loalang.systemtests.console;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import vn.loalang.audio.live.Frame;
import vn.loalang.controller.live.FrameListener;
import vn.loalang.controller.live.LiveChannel;
import vn.loalang.controller.live.TalkService;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.protocol.schedule.LiveChannelId;
import vn.loalang.systemtests.support.Browser;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.TestClock;
import vn.loalang.systemtests.support.TestCommune;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A village head talks live from the console in a real Chromium whose microphone is a WAV file: the page
 * offers only their village, already chosen; one press asks for the microphone and announces the talk,
 * the page turns to "ĐANG PHÁT" and the talk's channel carries MP3 frames from the browser's audio; a
 * second press ends it.
 */
class LiveTalkBrowserTest {
    static final String ADMIN_PASSWORD = "mat-khau-quan-tri";
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private Controller controller;
    private ApiClient api;
    private String base;
    private final List<AutoCloseable> running = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        controller = Controller.start(ControllerConfig.of(TestCommune.write(dir.resolve("commune")), dir.resolve("controller"))
                        .withHttp("127.0.0.1", Ports.free(), null).withEmbeddedBroker("127.0.0.1", Ports.free()),
                new TestClock(ConsoleBrowserTest.EARLY), new PasswordHasher(1000), () -> ADMIN_PASSWORD,
                new PrintStream(OutputStream.nullOutputStream()));
        api = new ApiClient(controller.contentPort());
        base = "http://127.0.0.1:" + controller.contentPort();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
        controller.close();
    }

    /** A 440 Hz tone as the microphone hears it (Chromium loops the file). */
    private Path microphone() throws Exception {
        Path wav = dir.resolve("mic.wav");
        Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                "-i", "sine=frequency=440:duration=5:sample_rate=48000", "-ac", "1", wav.toString())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        return wav;
    }

    @Test
    void aVillageHeadPressesToTalkIsOnAirAndPressesAgainToEnd() throws Exception {
        talk(false);
    }

    /** The path of a browser without WebM/Opus recording (Safari), chosen here by hand in Chromium. */
    @Test
    void thePcmPathFromAnAudioWorkletCarriesTheVoiceToo() throws Exception {
        talk(true);
    }

    private void talk(boolean pcm) throws Exception {
        String admin = api.login("admin", ADMIN_PASSWORD);
        assertEquals(201, api.call("POST", "/api/users", admin, Map.of("username", "truong.tay", "role", "VILLAGE_HEAD",
                "villages", List.of("thon-tay"), "password", "mat-khau-truong-thon")).status());
        Browser b = Browser.open(base, 390, 844, List.of("--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream", "--use-file-for-fake-audio-capture=" + microphone()));
        running.add(b);
        b.logIn("truong.tay", "mat-khau-truong-thon");
        if (pcm) {
            b.find(By.id("sound"));
            ((org.openqa.selenium.JavascriptExecutor) b.driver()).executeScript(
                    "localStorage.setItem('loalang.talk.pcm', '1')");
        }
        b.find(By.id("sound")); // the head's own page, the emergency one, first
        assertTrue(b.all(By.linkText("Nói trực tiếp")).size() >= 1, "in the menu");
        b.click(By.id("to-talk")); // and one press away on the head's page
        List<WebElement> offered = b.until("the head's villages", d -> {
            List<WebElement> boxes = b.all(By.cssSelector("input[name=talk-village]"));
            return boxes.isEmpty() ? null : boxes;
        });
        assertEquals(1, offered.size(), "only their own village is offered");
        assertEquals("thon-tay", offered.get(0).getAttribute("value"));
        assertTrue(offered.get(0).isSelected(), "and it is already chosen");
        b.type("talk-subject", "Họp thôn tối nay");
        // What an offline loudspeaker does, as two radio buttons whose words wrap on a phone (a select cut them off).
        WebElement playLate = b.find(By.cssSelector("#talk-late input[value=PLAY_LATE]"));
        assertTrue(playLate.isSelected(), "by default a loudspeaker that missed the talk plays it late");
        assertEquals("Phát lại bản ghi khi có kết nối (trong 60 phút)", playLate.findElement(By.xpath("..")).getText());
        assertTrue(b.fitsWidth(), "the page fits the phone: " + b.widthReport());
        if (pcm) {
            b.click(By.cssSelector("#talk-late input[value=SKIP]")); // the other choice reaches the server too
        }

        b.click(By.id("talk"));
        TalkService.Status talk = await("the talk announced").atMost(WAIT).until(
                () -> controller.talks().recent(1).stream().findFirst().orElse(null), t -> t != null);
        assertEquals(List.of("thon-tay"), talk.villages());
        assertEquals("Họp thôn tối nay", talk.title());
        assertEquals(pcm ? "SKIP" : "PLAY_LATE", talk.late());
        LiveChannel channel = controller.liveChannels().get(LiveChannelId.talk(talk.id())).orElseThrow();
        List<Frame> frames = new CopyOnWriteArrayList<>();
        channel.subscribe(new FrameListener() {
            @Override
            public void frame(Frame frame) {
                frames.add(frame);
            }

            @Override
            public void ended() {
            }
        }, Duration.ZERO);
        b.until("ON AIR on the page", d -> b.find(By.id("talk-state")).getText().startsWith("ĐANG PHÁT") ? true : null);
        assertTrue(b.find(By.id("talk-state")).getAttribute("class").contains("on-air"), "shown in red");
        await("the browser's voice on the channel").atMost(WAIT).until(() -> frames.size() >= 40); // ≈ 1 s
        assertTrue(frames.stream().allMatch(f -> f.sampleRate() == 22_050 && f.channels() == 1));
        double level = Double.parseDouble(b.find(By.id("talk-level")).getAttribute("value"));
        assertTrue(level > 0.05, "the meter moves with the microphone: " + level);
        if (!pcm) {
            b.screenshot("live-talk");
        }

        b.click(By.id("talk"));
        b.until("ended on the page", d -> b.find(By.id("talk-state")).getText().equals("Đã kết thúc") ? true : null);
        await("the talk ended").atMost(WAIT).until(() -> controller.talks().status(talk.id()).orElseThrow().state()
                .equals("ENDED"));
        assertEquals("truong.tay", controller.talks().status(talk.id()).orElseThrow().endedBy());
    }
}
