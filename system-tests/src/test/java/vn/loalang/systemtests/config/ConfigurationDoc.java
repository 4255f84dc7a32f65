package vn.loalang.systemtests.config;

import vn.loalang.agent.AgentCommandLine;
import vn.loalang.agent.AgentOptions;
import vn.loalang.controller.cli.AlertOptions;
import vn.loalang.controller.server.ControllerOptions;
import vn.loalang.controller.cli.ProvisionOptions;
import vn.loalang.controller.cli.SessionOptions;
import vn.loalang.controller.cli.StationCommandOptions;
import vn.loalang.controller.demo.DemoOptions;
import vn.loalang.protocol.config.OptionText;
import vn.loalang.systemtests.bench.Benches;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes docs/configuration.md from the option definitions ({@link ControllerOptions},
 * {@link AgentOptions}, {@link AgentCommandLine}, the command-line tools': {@link SessionOptions},
 * {@link AlertOptions}, {@link StationCommandOptions}, {@link ProvisionOptions}, {@link DemoOptions}, and
 * the benchmarks' ({@link Benches}). Here, in the one module that sees both apps; {@link ConfigurationDocTest}
 * fails when the page and the definitions disagree, and says how to run this.
 */
public final class ConfigurationDoc {
    static final String REGENERATE = "mvn -B -q -o -pl system-tests -am -Dtest=ConfigurationDocTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dloalang.writeDocs=true test";

    private ConfigurationDoc() {
    }

    /** {@code docs/configuration.md} of the repository, from the repository's root or a module's folder. */
    static Path file() {
        Path here = Path.of("docs", "configuration.md");
        return Files.isDirectory(Path.of("docs")) ? here : Path.of("..").resolve(here);
    }

    static String markdown() {
        return """
                # Cấu hình / Configuration

                <!-- Generated from ControllerOptions, AgentOptions, AgentCommandLine, the tools' and the benchmarks' options by ConfigurationDoc:
                     do not edit by hand. Regenerate: %s -->

                Every setting of the controller and of a station is defined once, in code: its name, type,
                default, bounds and help. This page, the controller's `run --help` and the readers of the
                config files come from those definitions ([decision 0015](decisions/0015-configuration-defined-once.md)).
                A value that breaks its rule stops the program at start with one message, the same for the
                command line and the files, e.g.

                ```
                cache.maxMegabytes = -3 is not allowed: give the content cache's size as a whole number of megabytes from 16 to 65536, e.g. 512
                ```

                ## Máy chủ xã / The controller (`run`)

                Each option is given on the command line (`--http-port 8080`) or as a key of the JSON object
                read by `--config controller.json` (`"http-port": 8080`); the command line wins, and relative
                paths in the file are relative to the file. An unknown option or key stops the controller.
                [Deploying the commune server](deployment.md) shows the server's `controller.json`.

                %s
                ## Trạm / A station (`station.json`)

                The station agent reads `--config station.json`, written by `provision station`
                ([Installing a station](station-install.md)). A key is the JSON path in the file: `cache.maxMegabytes`
                is `{"cache": {"maxMegabytes": 512}}`; `gpio.relays[].pin` is the `pin` of each element of the
                list `gpio.relays`. Keys the agent does not know are ignored, so that an older agent still
                starts with a newer bundle's file.

                %s
                ### Dòng lệnh của trạm / The agent's command line

                How the agent is started (`loalang-station-agent --help` lists the same); what the station is
                and does is `station.json`'s, above.

                %s
                ## Công cụ dòng lệnh / The command-line tools

                The tools of `loalang-controller` (`./loalang alert …`) take their options on the command line
                only. Each checks them all before it logs in or changes anything; a bad value is refused with
                the message above and exit code 2, as `run` does. `TOOL --help` lists the same options.

                ### Đăng nhập / Login: `alert`, `station`, `provision station|rotate|revoke`

                These work through the controller's API with the caller's own account, so a terminal has the
                same rights, checks and audit as the console.

                %s
                ### Cảnh báo khẩn / `alert`

                Trigger: `--villages`, `--content` or `--text`, and `--reason`; or `--cancel ID`, or `--status ID`.
                An option not given is not sent: the controller's default applies.

                %s
                ### Lệnh cho trạm / `station`

                %s
                ### Cấp phát / `provision init|station|rotate|revoke`

                Every command:

                %s
                `init` (on the commune server, as root):

                %s
                `station` and `rotate` (`--village` and `--name`: `station` only; `revoke` takes `--station` too):

                %s
                `revoke`:

                %s
                ### Ký bản phần mềm trạm / `release`

                On the build machine, not the commune server: signs an agent jar with the release key
                (docs/station-install.md, "Updates over the air").

                %s
                ### Trình diễn / `demo`

                `./loalang demo` builds the jars and gives `--agent-jar`.

                %s
                ## Đo hiệu năng / The benchmarks (`./loalang bench NAME`)

                Test code of `system-tests`, run by `./loalang bench`, which builds them and gives the jars and
                the work folder. Each refuses a bad value as the tools do; `./loalang bench NAME --help` lists
                the same options. Results: [benchmarks](benchmarks.md).
                %s""".formatted(REGENERATE, table(ControllerOptions.ALL, "--"), table(AgentOptions.ALL, ""),
                table(AgentCommandLine.ALL, "--"),
                table(SessionOptions.ALL, "--"), table(AlertOptions.ALL, "--"), table(StationCommandOptions.ALL, "--"),
                table(List.of(ProvisionOptions.DIR), "--"), table(ProvisionOptions.INIT, "--"),
                table(ProvisionOptions.STATION_AND_ROTATE, "--"), table(ProvisionOptions.REVOKE, "--"),
                table(vn.loalang.controller.cli.ReleaseCommand.ALL, "--"), table(DemoOptions.ALL, "--"), benches());
    }

    /** A section per benchmark: what it measures, then its options. */
    private static String benches() {
        StringBuilder out = new StringBuilder();
        for (Benches.Bench b : Benches.ALL) {
            out.append("\n### `").append(b.name()).append("`\n\n").append(b.measures()).append("\n\n")
                    .append(table(b.options(), "--"));
        }
        return out.toString();
    }

    private static String table(List<vn.loalang.protocol.config.Option<?>> options, String keyPrefix) {
        return OptionText.markdownTable(options, keyPrefix);
    }

    public static void main(String[] args) throws IOException {
        Path out = args.length > 0 ? Path.of(args[0]) : file();
        Files.writeString(out, markdown(), StandardCharsets.UTF_8);
        System.out.println("Wrote " + out.toAbsolutePath().normalize());
    }
}
