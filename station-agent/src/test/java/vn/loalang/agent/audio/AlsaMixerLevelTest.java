package vn.loalang.agent.audio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * The mixer backend against a fake {@code amixer}: a script that records its arguments, one call a line,
 * and answers with the exit status it is given. (The JVM looks programs up on its own PATH, which a test
 * cannot change, so the fake is named by its path; the real one is "amixer" on the station's PATH.)
 */
class AlsaMixerLevelTest {
    @TempDir
    Path dir;

    private Path fakeAmixer(int exitStatus) throws IOException {
        Path script = dir.resolve("amixer");
        Files.writeString(script, "#!/bin/sh\necho \"$@\" >> '" + dir.resolve("calls") + "'\n"
                + "echo \"Simple mixer control 'PCM',0\"\nexit " + exitStatus + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private List<String> calls() throws IOException {
        Path calls = dir.resolve("calls");
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    @Test
    void aCutGoesToTheMixerAndNothingIsLeftToTheSamples() throws IOException {
        AlsaMixerLevel mixer = new AlsaMixerLevel("st-01", fakeAmixer(0).toString(), "1", "PCM");

        assertEquals(0.0, mixer.set(-12.0), 1e-9);

        // "--" keeps amixer from reading the negative level as an option.
        assertEquals(List.of("-c 1 -- sset PCM -12.0dB"), calls());
    }

    @Test
    void theSameLevelAgainRunsNoCommand() throws IOException {
        AlsaMixerLevel mixer = new AlsaMixerLevel("st-01", fakeAmixer(0).toString(), "1", "PCM");

        mixer.set(-6.0);
        mixer.set(-6.0);
        mixer.set(-3.5);

        assertEquals(List.of("-c 1 -- sset PCM -6.0dB", "-c 1 -- sset PCM -3.5dB"), calls());
    }

    @Test
    void aBoostStaysInTheSamplesWithTheMixerAtZero() throws IOException {
        AlsaMixerLevel mixer = new AlsaMixerLevel("st-01", fakeAmixer(0).toString(), "Device", "Speaker");

        assertEquals(4.0, mixer.set(4.0), 1e-9);

        assertEquals(List.of("-c Device -- sset Speaker 0.0dB"), calls());
    }

    @Test
    void aFailedAmixerLeavesTheWholeLevelToTheSamplesAndIsTriedAgain() throws IOException {
        AlsaMixerLevel mixer = new AlsaMixerLevel("st-01", fakeAmixer(1).toString(), "9", "PCM");

        assertEquals(-12.0, mixer.set(-12.0), 1e-9);
        assertEquals(-12.0, mixer.set(-12.0), 1e-9);

        assertEquals(2, calls().size(), "not taken as set: " + calls());
    }

    @Test
    void aMissingAmixerLeavesTheWholeLevelToTheSamples() {
        AlsaMixerLevel mixer = new AlsaMixerLevel("st-01", dir.resolve("no-such-amixer").toString(), "1", "PCM");

        assertEquals(-9.0, mixer.set(-9.0), 1e-9);
    }

    @Test
    void theConfigChoosesTheMixerOnlyWhenACardIsNamed() {
        AudioConfig digital = new AudioConfig("wav", null, dir, 44_100, 1, 0.0);
        AudioConfig alsa = new AudioConfig("javasound", "USB", null, 44_100, 1, 0.0,
                new AudioConfig.Mixer("1", null));

        assertInstanceOf(DigitalGain.class, digital.outputLevel("st-01"));
        assertInstanceOf(AlsaMixerLevel.class, alsa.outputLevel("st-01"));
        assertEquals("alsa mixer 1/PCM", alsa.outputLevel("st-01").describe());
    }
}
