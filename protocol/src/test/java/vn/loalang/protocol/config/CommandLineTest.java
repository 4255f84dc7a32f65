package vn.loalang.protocol.config;

import org.junit.jupiter.api.Test;
import vn.loalang.protocol.Json;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A command line read against its definitions: values and flags, and the refusals a file gets too. */
class CommandLineTest {
    private static final Option<Long> CACHE = OptionTest.CACHE;
    private static final Option<Path> CONFIG = Option.of("config", OptionType.path("FILE"), "the config file").required()
            .example("/etc/loalang/station.json");
    private static final Option<Boolean> SIMULATE = Option.of("simulate", OptionType.flag(), "simulation")
            .byDefault(false).help("Mock pins and sound.");
    private static final List<Option<?>> ALL = List.of(CONFIG, CACHE, SIMULATE);

    @Test
    void readsValuesAndFlagsWithTheirDefaults() {
        CommandLine line = CommandLine.read(new String[]{"--simulate", "--config", "station.json"}, ALL);
        assertEquals(Path.of("station.json"), line.get(CONFIG));
        assertTrue(line.get(SIMULATE));
        assertEquals(512L, line.get(CACHE), "not given: the definition's default");
        assertFalse(CommandLine.read(new String[]{"--config", "s.json"}, ALL).get(SIMULATE), "a flag not given is off");
    }

    @Test
    void aBadValueIsRefusedAsTheSameKeyInAConfigFileIs() throws Exception {
        String rule = " = 3 is not allowed: give the content cache's size as a whole number of megabytes from 16 to "
                + "65536, e.g. 512";
        OptionException cli = assertThrows(OptionException.class,
                () -> CommandLine.read(new String[]{"--cache.maxMegabytes", "3"}, ALL));
        OptionException file = assertThrows(OptionException.class,
                () -> ConfigTree.check(Json.mapper().readTree("{\"cache\": {\"maxMegabytes\": 3}}"), List.of(CACHE)));
        assertEquals("--cache.maxMegabytes" + rule, cli.getMessage());
        assertEquals("cache.maxMegabytes" + rule, file.getMessage());
        assertEquals("Tuỳ chọn sai / a bad option: --cache.maxMegabytes" + rule
                + "\n(loalang-station-agent --help lists every option)", OptionText.refusal("loalang-station-agent", cli));
    }

    @Test
    void aRequiredOptionIsRefusedWhenAskedForSoThatOthersNeedNotGiveIt() {
        CommandLine line = CommandLine.read(new String[]{"--simulate"}, ALL);
        assertEquals("--config is missing: give the config file as a file path, e.g. /etc/loalang/station.json",
                assertThrows(OptionException.class, () -> line.get(CONFIG)).getMessage());
    }

    @Test
    void anUnknownOptionAWordOutOfPlaceAndAMissingValueAreRefused() {
        assertEquals("unknown option(s): --colour, --volume", assertThrows(IllegalArgumentException.class,
                () -> CommandLine.read(new String[]{"--volume", "3", "--config", "s.json", "--colour", "red"}, ALL))
                .getMessage());
        assertEquals("unexpected argument 'yes'", assertThrows(IllegalArgumentException.class,
                () -> CommandLine.read(new String[]{"--simulate", "yes"}, ALL)).getMessage(), "a flag takes no value");
        assertEquals("--config needs a value", assertThrows(IllegalArgumentException.class,
                () -> CommandLine.read(new String[]{"--config", "--simulate"}, ALL)).getMessage());
    }

    @Test
    void aFlagIsListedAloneAndOffByDefault() {
        String help = OptionText.commandLine(ALL);
        assertTrue(help.contains("  --simulate              Mock pins and sound.\n"), help);
        assertTrue(help.contains("  --config FILE "), help);
        assertEquals("off", SIMULATE.defaultText());
        assertTrue(OptionText.markdownTable(ALL, "--").contains("| `--simulate` | flag | off | given alone, without a "
                + "value | Mock pins and sound. |"), OptionText.markdownTable(ALL, "--"));
    }
}
