package vn.loalang.controller.api;

import io.javalin.security.RouteRole;
import vn.loalang.controller.users.Role;

import java.util.EnumSet;
import java.util.Set;

/**
 * Who may call a route, declared where the route is registered and enforced by {@link Router}
 * before the handler runs. Checks that depend on the data (a village head acts only for their own
 * villages) stay in the handlers; the role gate is here, once. The matrix in docs/security.md
 * ("Rights matrix / Ma trận quyền") is the same declaration written for people; a test holds the two
 * together.
 *
 * @param open           no login needed (the login itself, the API description)
 * @param roles          the roles allowed when not open
 * @param beforePassword allowed to a user who must still change the password they were given
 */
record Rights(boolean open, Set<Role> roles, boolean beforePassword) implements RouteRole {
    /** Anyone, logged in or not. */
    static final Rights PUBLIC = new Rights(true, EnumSet.allOf(Role.class), true);
    /** The people who run the radio: every role but a CAP feed's account, which may only post CAP. */
    static final Rights STAFF = roles(Role.ADMIN, Role.OPERATOR, Role.VILLAGE_HEAD, Role.TECHNICIAN);
    /** Every account, the CAP feed's included: who am I, log out, change my own password. */
    static final Rights ANY_ACCOUNT = new Rights(false, EnumSet.allOf(Role.class), true);

    Rights {
        roles = Set.copyOf(roles);
        if (!open && roles.isEmpty()) {
            throw new IllegalArgumentException("a route closed to every role can never be called");
        }
    }

    static Rights roles(Role first, Role... more) {
        return new Rights(false, EnumSet.of(first, more), false);
    }

    boolean allows(Role role) {
        return roles.contains(role);
    }
}
