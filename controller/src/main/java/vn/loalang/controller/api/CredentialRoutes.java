package vn.loalang.controller.api;

import io.javalin.http.HandlerType;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.broker.BrokerAccounts;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.User;

import java.util.Map;

/**
 * A station's own account on the broker: issued (and re-issued, which is rotation) by a technician
 * or an administrator, revoked by them. The password is in the answer once and nowhere else.
 */
final class CredentialRoutes {
    /** What a bundle is made of; {@code password} is shown this once; {@code releaseKeys} may be empty. */
    record Credentials(String stationId, String username, String password, String village, int generation,
                       String topicRoot, String signingKeyId, String signingPublicKey, Map<String, String> releaseKeys) {
    }

    private CredentialRoutes() {
    }

    static void mount(Router router, ApiRoutes.Enrolment enrolment) {
        Access access = router.access();
        router.add(HandlerType.GET, "/api/stations/{id}/credentials", Rights.roles(Role.ADMIN, Role.TECHNICIAN), ctx -> {
            ctx.json(Map.of("stationId", ctx.pathParam("id"), "generation", accounts(enrolment).generation(ctx.pathParam("id"))));
        });
        router.add(HandlerType.POST, "/api/stations/{id}/credentials", Rights.roles(Role.ADMIN, Role.TECHNICIAN), ctx -> {
            User user = access.user(ctx);
            BrokerAccounts.Issued issued = accounts(enrolment).issue(user.username(), ctx.pathParam("id"));
            ctx.header("Cache-Control", "no-store");
            ctx.status(201).json(new Credentials(issued.stationId(), issued.username(), issued.password(),
                    issued.village(), issued.generation(), enrolment.topicRoot(), enrolment.signingKeyId(),
                    enrolment.signingPublicKeyPem(), enrolment.releaseKeys().get()));
        });
        router.add(HandlerType.DELETE, "/api/stations/{id}/credentials", Rights.roles(Role.ADMIN, Role.TECHNICIAN), ctx -> {
            User user = access.user(ctx);
            if (!accounts(enrolment).revoke(user.username(), ctx.pathParam("id"))) {
                throw new ChangeException(ChangeException.Kind.NOT_FOUND, "station", "Trạm " + ctx.pathParam("id")
                        + " không có tài khoản / station " + ctx.pathParam("id") + " has no broker account");
            }
            ctx.status(204);
        });
    }

    private static BrokerAccounts accounts(ApiRoutes.Enrolment enrolment) {
        if (enrolment.accounts() == null) {
            throw new ChangeException(ChangeException.Kind.CONFLICT, null, "Máy chủ này không quản lý tài khoản MQTT / "
                    + "this controller keeps no broker accounts: run it with --broker-accounts DIR (see docs/deployment.md)");
        }
        return enrolment.accounts();
    }
}
