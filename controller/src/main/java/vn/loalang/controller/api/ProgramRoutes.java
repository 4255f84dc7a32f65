package vn.loalang.controller.api;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import vn.loalang.controller.directory.CommuneFile;
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
    record VillageProgram(String id, String name, CommuneFile.Program program) {
    }

    /** @param problems why the current program could not be published, if it could not */
    record ProgramView(CommuneFile.Program commune, List<VillageProgram> villages, List<String> problems) {
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
        router.add(HandlerType.GET, "/api/program", ctx -> {
            r.access.user(ctx);
            ctx.json(r.view());
        });
        router.add(HandlerType.PUT, "/api/program", ctx -> {
            User user = r.editor(ctx);
            directory.setCommuneProgram(user.username(), Router.body(ctx, CommuneFile.Program.class));
            ctx.json(r.view());
        });
        router.add(HandlerType.PUT, "/api/villages/{id}/program", ctx -> {
            User user = r.editor(ctx);
            directory.setVillageProgram(user.username(), ctx.pathParam("id"), Router.body(ctx, CommuneFile.Program.class));
            ctx.json(r.view());
        });
        router.add(HandlerType.DELETE, "/api/villages/{id}/program", ctx -> {
            User user = r.editor(ctx);
            directory.setVillageProgram(user.username(), ctx.pathParam("id"), null);
            ctx.json(r.view());
        });
        router.add(HandlerType.GET, "/api/schedules/{station}", r::schedule);
    }

    private User editor(Context ctx) {
        return access.requireRole(ctx, Role.ADMIN, Role.OPERATOR);
    }

    private ProgramView view() {
        CommuneFile c = directory.current();
        return new ProgramView(c.program(),
                c.villages().stream().map(v -> new VillageProgram(v.id(), v.name(), v.program())).toList(),
                schedules.problems());
    }

    /** The sessions a station was last sent, as it holds them once it has caught up. */
    private void schedule(Context ctx) {
        access.user(ctx);
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
