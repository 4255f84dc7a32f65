package vn.loalang.agent.update;

import vn.loalang.agent.Main;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Real agent jars of any version, made from this build's agent classes: every class and resource
 * of the agent module inside, its version in the manifest (what the agent reports), its libraries
 * named by the manifest's Class-Path. A broken build is the same jar without a class the agent
 * needs at start, as a build that went wrong would be: it cannot start at all.
 */
final class AgentBuilds {
    private AgentBuilds() {
    }

    static Path good(Path out, String version) throws IOException {
        return build(out, version, null);
    }

    /** A build whose agent fails at start: StationAgent is missing, Main throws NoClassDefFoundError. */
    static Path broken(Path out, String version) throws IOException {
        return build(out, version, "vn/loalang/agent/StationAgent.class");
    }

    private static Path build(Path out, String version, String leaveOut) throws IOException {
        Path classes = agentClasses();
        List<String> libraries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry).toAbsolutePath();
            if (!p.equals(classes) && !p.endsWith("test-classes")) {
                libraries.add(p.toUri().toString());
            }
        }
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.put(Attributes.Name.MAIN_CLASS, Main.class.getName());
        main.put(Attributes.Name.IMPLEMENTATION_VERSION, version);
        main.put(Attributes.Name.CLASS_PATH, String.join(" ", libraries));
        Files.createDirectories(out.getParent());
        try (OutputStream file = Files.newOutputStream(out);
             JarOutputStream jar = new JarOutputStream(file, manifest);
             Stream<Path> walk = Files.walk(classes)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                String name = classes.relativize(p).toString().replace('\\', '/');
                if (name.equals(leaveOut) || name.equals("META-INF/MANIFEST.MF")) {
                    continue;
                }
                jar.putNextEntry(new JarEntry(name));
                Files.copy(p, jar);
                jar.closeEntry();
            }
        }
        return out;
    }

    /** The agent module's compiled classes (target/classes), where this test run loads Main from. */
    private static Path agentClasses() {
        try {
            return Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
