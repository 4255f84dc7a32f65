package vn.loalang.provisioning.broker;

import vn.loalang.protocol.Topics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The broker's {@code passwd} and {@code acl} files in one directory. Each is written whole to a
 * temporary file and moved over the old one, so Mosquitto, reloading at any moment, reads either
 * the old file or the new one, never half of one. Files are {@code 0640}: in production the
 * directory is set-group-id {@code mosquitto}, so the broker may read them and nobody else.
 */
public final class MosquittoFiles {
    public static final String PASSWORD_FILE = "passwd";
    public static final String ACL_FILE = "acl";

    private final Path dir;
    private final AccessList access;

    public MosquittoFiles(Path dir, Topics topics) {
        this.dir = dir;
        this.access = new AccessList(topics);
    }

    public Path passwordFile() {
        return dir.resolve(PASSWORD_FILE);
    }

    public Path aclFile() {
        return dir.resolve(ACL_FILE);
    }

    /** Writes both files for exactly these accounts; returns whether either changed. */
    public boolean write(List<BrokerAccount> accounts) throws IOException {
        List<BrokerAccount> sorted = new ArrayList<>(accounts);
        sorted.sort(Comparator.comparing(BrokerAccount::username));
        StringBuilder passwd = new StringBuilder();
        for (BrokerAccount a : sorted) {
            passwd.append(a.username()).append(':').append(a.passwordHash()).append('\n');
        }
        boolean changed = writeIfChanged(passwordFile(), passwd.toString());
        return writeIfChanged(aclFile(), access.render(sorted)) | changed;
    }

    private static boolean writeIfChanged(Path file, String content) throws IOException {
        if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).equals(content)) {
            return false;
        }
        writePrivate(file, content, "rw-r-----");
        return true;
    }

    /** Writes {@code content} with {@code permissions} (e.g. {@code rw-------}) and moves it into place. */
    public static void writePrivate(Path file, String content, String permissions) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
