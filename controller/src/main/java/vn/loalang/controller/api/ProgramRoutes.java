package vn.loalang.controller.api;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.Directory;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.User;
import vn.loalang.protocol.schedule.Schedule;

import java.util.List;

/**
 * The two daily sessions and everything around them: the commune's program, a village's own
 * program, and the schedules they became. A program is sent whole; it is refused (422, with every
 * problem) when it would not compile, and then nothing changes, on the store or on the stations.
 */
final class ProgramRoutes {
    /** @param program the village's own program; null when it follows the commune's */
    record VillageProgram(String id, String name, Commune.Program program) {
    }

    /**
     * @param problems why the current program could not be published, if it could not
     * @param revision changes with every edit: sent back as {@code If-Match}, an edit made meanwhile is seen
     */
    /** @param notices what the program does differently at some stations, e.g. an old agent's relay fallbacks */
    record ProgramView(Commune.Program commune, List<VillageProgram> villages, List<String> problems,
                       String revision, List<String> notices) {
    }

    private final Directory directory;
    private final ScheduleView schedules;
    private final Access access;

    private ProgramRoutes(Directory directory, ScheduleView schedules, Access access) {
        this.directory = directory;
        this.schedules = schedules;
        this.access = access;
    }

    static void mount(Router router, Directory directory, ScheduleView schedules) {
        ProgramRoutes r = new ProgramRoutes(directory, schedules, router.access());
        router.add(HandlerType.GET, "/api/program", Rights.STAFF, r::answer);
        router.add(HandlerType.PUT, "/api/program", Rights.roles(Role.ADMIN, Role.OPERATOR), ctx -> {
            User user = r.editor(ctx);
            Commune.Program program = Router.body(ctx, Commune.Program.class);
            r.ifUnchanged(ctx, () -> directory.setCommuneProgram(user.username(), program));
        });
        router.add(HandlerType.PUT, "/api/villages/{id}/program", Rights.roles(Role.ADMIN, Role.OPERATOR), ctx -> {
            User user = r.editor(ctx);
            Commune.Program program = Router.body(ctx, Commune.Program.class);
            r.ifUnchanged(ctx, () -> directory.setVillageProgram(user.username(), ctx.pathParam("id"), program));
        });
        router.add(HandlerType.DELETE, "/api/villages/{id}/program", Rights.roles(Role.ADMIN, Role.OPERATOR), ctx -> {
            User user = r.editor(ctx);
            r.ifUnchanged(ctx, () -> directory.setVillageProgram(user.username(), ctx.pathParam("id"), null));
        });
        router.add(HandlerType.GET, "/api/schedules/{station}", Rights.STAFF, r::schedule);
    }

    private User editor(Context ctx) {
        return access.user(ctx);
    }

    private ProgramView view() {
        Commune c = directory.current();
        List<VillageProgram> villages = c.villages().stream()
                .map(v -> new VillageProgram(v.id(), v.name(), v.program())).toList();
        return new ProgramView(c.program(), villages, schedules.problems(), revision(c.program(), villages),
                schedules.notices());
    }

    /** The programs as they are now, with their revision also as the {@code ETag}. */
    private void answer(Context ctx) {
        ProgramView v = view();
        ctx.header("ETag", "\"" + v.revision() + "\"").json(v);
    }

    /**
     * Makes the change unless {@code If-Match} names another revision than the current one: two
     * operators editing at once must not overwrite each other unseen (HTTP 412 for the later one).
     * Without {@code If-Match} the change is made, as from {@code curl}. Checked and changed under the
     * directory's lock, so no change slips in between.
     */
    private void ifUnchanged(Context ctx, Runnable change) {
        String expected = ctx.header("If-Match");
        directory.whileUnchanged(() -> {
            if (expected != null && !expected.equals("*")) {
                String current = view().revision();
                if (!expected.replace("\"", "").strip().equals(current)) {
                    throw new ApiError(412, null, "Chương trình vừa được người khác sửa; tải lại rồi sửa lại / the"
                            + " program was changed by someone else since you loaded it (revision " + current
                            + "); load it again and redo your edit");
                }
            }
            change.run();
            return null;
        });
        answer(ctx);
    }

    /** A short digest of every program: any edit, by anyone, gives another one. */
    private static String revision(Commune.Program commune, List<VillageProgram> villages) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(vn.loalang.protocol.Json.write(java.util.Arrays.asList(commune, villages)));
            return java.util.HexFormat.of().formatHex(digest, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The sessions a station was last sent, as it holds them once it has caught up. */
    private void schedule(Context ctx) {
        String station = ctx.pathParam("station");
        if (!directory.stationIds().contains(station)) {
            throw new ApiError(404, null, "Không có cụm loa / no station with id " + station);
        }
        Schedule s = schedules.published().get(station);
        if (s == null) {
            throw new ApiError(404, null, "Cụm loa " + station + " chưa có lịch / no schedule has been published to "
                    + station + " yet");
        }
        ctx.json(s);
    }
}
