package vn.loalang.provisioning.broker;

import vn.loalang.provisioning.Command;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Who may read and write the broker's files on a real server: Mosquitto (group {@code mosquitto})
 * reads them all. The certificates and the broker's key stay root's. The controller's system user
 * owns {@code accounts/} and the passwd and acl in it, so it can rewrite them; that directory is
 * set-group-id, so every file the controller writes there is the broker's to read.
 * Where the user or the group does not exist (a developer's machine), ownership is left as it is.
 */
final class Ownership {
    private static final Logger log = LoggerFactory.getLogger(Ownership.class);
    private static final String BROKER_GROUP = "mosquitto";

    private Ownership() {
    }

    static void handOver(Path mosquittoDir, Path accountsDir, Path controllerPasswordFile, String systemUser)
            throws IOException {
        UserPrincipalLookupService lookup = mosquittoDir.getFileSystem().getUserPrincipalLookupService();
        Optional<UserPrincipal> user = find(() -> lookup.lookupPrincipalByName(systemUser));
        Optional<GroupPrincipal> broker = find(() -> lookup.lookupPrincipalByGroupName(BROKER_GROUP));
        Optional<GroupPrincipal> userGroup = user.isPresent()
                ? find(() -> lookup.lookupPrincipalByGroupName(primaryGroup(systemUser))) : Optional.empty();
        if (broker.isPresent()) {
            view(mosquittoDir.resolve(BrokerSetup.SERVER_KEY)).setGroup(broker.get());
            view(accountsDir).setGroup(broker.get());
            try (Stream<Path> files = Files.list(accountsDir)) {
                for (Path f : files.toList()) {
                    view(f).setGroup(broker.get());
                    if (user.isPresent()) {
                        view(f).setOwner(user.get());
                    }
                }
            }
            if (user.isPresent()) {
                view(accountsDir).setOwner(user.get());
            } else {
                log.warn("There is no user {} on this machine: only root can change the accounts in {}", systemUser,
                        accountsDir);
            }
            BrokerSetup.restrict(accountsDir, "rwxr-x---");
            setGroupId(accountsDir);
        } else {
            log.warn("There is no group {} on this machine: {} keeps its owner; install the mosquitto package",
                    BROKER_GROUP, mosquittoDir);
        }
        if (userGroup.isPresent()) {
            view(controllerPasswordFile).setGroup(userGroup.get());
        } else {
            log.warn("There is no user {} on this machine: {} stays readable by root only", systemUser,
                    controllerPasswordFile);
        }
    }

    private interface Lookup<T> {
        T get() throws IOException;
    }

    private static <T> Optional<T> find(Lookup<T> lookup) throws IOException {
        try {
            return Optional.of(lookup.get());
        } catch (UserPrincipalNotFoundException e) {
            return Optional.empty();
        }
    }

    private static PosixFileAttributeView view(Path p) {
        return Files.getFileAttributeView(p, PosixFileAttributeView.class);
    }

    /** The group the controller's user runs with (its unit's Group=, {@code loalang}); the JDK has no lookup for it. */
    private static String primaryGroup(String user) throws IOException {
        return Command.run(Duration.ofSeconds(10), List.of("id", "-gn", user));
    }

    /** The JDK cannot set the set-group-id bit; chmod can. */
    private static void setGroupId(Path dir) throws IOException {
        Command.run(Duration.ofSeconds(10), List.of("chmod", "g+s", dir.toString()));
    }
}
