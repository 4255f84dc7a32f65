package vn.loalang.provisioning.broker;

import vn.loalang.protocol.Topics;
import vn.loalang.protocol.files.AtomicFiles;

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
    /** Read-only accounts an administrator adds with {@code mosquitto_passwd} (a bot, a dashboard). */
    public static final String OBSERVERS_FILE = "observers";

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

    public Path observersFile() {
        return dir.resolve(OBSERVERS_FILE);
    }

    /** Writes both files for exactly these accounts; returns whether either changed. */
    public boolean write(List<BrokerAccount> accounts) throws IOException {
        List<BrokerAccount> sorted = new ArrayList<>(accounts);
        sorted.sort(Comparator.comparing(BrokerAccount::username));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).username().equals(sorted.get(i - 1).username())) {
                // Mosquitto would take the first line and the first rules: one account silently shadowing another.
                throw new IllegalArgumentException("the broker user name " + sorted.get(i).username() + " is used twice");
            }
        }
        StringBuilder passwd = new StringBuilder();
        for (BrokerAccount a : sorted) {
            passwd.append(a.username()).append(':').append(a.passwordHash()).append('\n');
        }
        // The access list first: a broker that reloads between the two files then never holds a user
        // without its rules (a new station can do nothing yet; a revoked one can do nothing any more).
        boolean changed = writeIfChanged(aclFile(), access.render(sorted));
        return writeIfChanged(passwordFile(), passwd.toString()) | changed;
    }

    /**
     * Accounts in Mosquitto's passwd format ({@code name:$7$…} lines, as {@code mosquitto_passwd}
     * writes them), e.g. the read-only observers a monitoring bot uses; blank lines and {@code #} skipped.
     */
    public static List<BrokerAccount> readObservers(Path file) throws IOException {
        List<BrokerAccount> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int colon = l.indexOf(':');
            if (colon <= 0) {
                throw new IOException(file + " line " + n + " is not NAME:HASH as mosquitto_passwd writes it");
            }
            try {
                out.add(BrokerAccount.observer(l.substring(0, colon), l.substring(colon + 1)));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + " line " + n + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static boolean writeIfChanged(Path file, String content) throws IOException {
        try {
            if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).equals(content)) {
                return false;
            }
        } catch (java.nio.file.AccessDeniedException e) {
            // Not ours to read (left by root): written anew below, if the directory lets us.
        }
        AtomicFiles.writePrivate(file, content, "rw-r-----");
        return true;
    }

}
