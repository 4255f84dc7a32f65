package vn.loalang.controller.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.Directory;
import vn.loalang.controller.schedule.ProblemPlace;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.User;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.schedule.Schedule;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

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

    /**
     * A problem of a checked program.
     *
     * @param blocking true when saving the program would be refused for it (a problem the program did not
     *                 have before); false for one it already has, which the operator may fix later
     * @param places   where it lies (two for an overlap); empty when its words name no place: shown above Save
     */
    record CheckedProblem(String text, boolean blocking, List<ProblemPlace.Place> places) {
    }

    /**
     * What the compiler would note of a checked program without refusing it: a replay with no recording yet (what
     * the station plays instead is in its words), a station getting a relay's fallback.
     *
     * @param places where it lies, as a problem's; empty when its words name no place
     */
    record CheckedNotice(String text, List<ProblemPlace.Place> places) {
    }

    /** What a program would have as problems if it were saved, and its notices; nothing is saved. */
    record CheckView(List<CheckedProblem> problems, List<CheckedNotice> notices) {
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
        router.add(HandlerType.POST, "/api/program/check", Rights.roles(Role.ADMIN, Role.OPERATOR), r::check);
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

    /**
     * The dry run of a program edit, {@code {village?, program}}: the problems the program would have, each
     * with its place, and whether a save would be refused for it. Nothing is stored, nothing published. A
     * value the program's records refuse (an end time missing, a validity window backwards, an hour that is
     * not one) is a problem like the compiler's, not a 400: the console shows it next to its field too.
     */
    private void check(Context ctx) {
        JsonNode body = Router.tree(ctx);
        String village = Router.text(body, "village");
        JsonNode tree = body.get("program");
        if ((tree == null || tree.isNull()) && village == null) {
            throw ApiError.invalid("program", "Thiếu chương trình / the commune's program is missing");
        }
        List<CheckedProblem> problems = new ArrayList<>();
        Set<String> noted = new LinkedHashSet<>();
        try {
            Commune.Program program = tree == null || tree.isNull() ? null
                    : Json.mapper().treeToValue(tree, Commune.Program.class);
            Commune candidate = village == null ? directory.withCommuneProgram(program)
                    : directory.withVillageProgram(village, program);
            List<String> refused = directory.newProblems(candidate);
            List<String> notices = new ArrayList<>();
            Set<String> all = new LinkedHashSet<>(schedules.problemsIf(candidate, notices));
            noted.addAll(notices);
            all.addAll(refused);
            for (String text : all) {
                problems.add(new CheckedProblem(text, refused.contains(text), ProblemPlace.of(text)));
            }
        } catch (JsonMappingException e) {
            problems.add(unreadable(e, tree));
        } catch (JsonProcessingException e) {
            throw ApiError.invalid("program", "the program is not valid JSON: " + e.getOriginalMessage());
        } catch (IllegalArgumentException | NullPointerException e) {
            // The commune's own checks on the whole (a session's volume outside the commune's range).
            problems.add(new CheckedProblem(e.getMessage(), true, ProblemPlace.of(e.getMessage())));
        }
        // A daily session's notice comes once a day for the horizon's days: the first (the soonest) says it. It is
        // placed only at a field its words name (a replay's playlist): the day's bulletin, missing for tomorrow
        // every day, is no note to put next to a session.
        List<CheckedNotice> notices = new ArrayList<>();
        Set<String> said = new java.util.HashSet<>();
        for (String text : noted) {
            if (said.add(text.replaceFirst(" on \\d{4}-\\d{2}-\\d{2} ", " "))) {
                notices.add(new CheckedNotice(text, ProblemPlace.of(text).stream().filter(p -> p.field() != null).toList()));
            }
        }
        ctx.json(new CheckView(problems, notices));
    }

    /** A value the program's records refuse, placed by its words or else by where it was in the JSON. */
    private static CheckedProblem unreadable(JsonMappingException e, JsonNode tree) {
        Throwable cause = e.getCause();
        boolean refusedByRecord = cause instanceof IllegalArgumentException || cause instanceof NullPointerException;
        String text = refusedByRecord ? cause.getMessage() : "a value of the program cannot be read: "
                + e.getOriginalMessage();
        List<ProblemPlace.Place> places = ProblemPlace.of(text);
        List<JsonMappingException.Reference> path = e.getPath();
        if (places.isEmpty() && path.size() >= 2 && path.get(0).getFieldName() != null && path.get(1).getIndex() >= 0) {
            // e.g. daily[1].start = "25:00": the session is the one at that index, the field the last name.
            JsonNode entry = tree.path(path.get(0).getFieldName()).path(path.get(1).getIndex());
            String field = path.size() >= 3 ? path.get(2).getFieldName() : null;
            if (path.get(0).getFieldName().equals("cancellations")) {
                places = List.of(new ProblemPlace.Place(null, entry.path("session").asText(null),
                        dateOrNull(entry.path("date").asText(null)), ProblemPlace.CANCELLATION));
            } else {
                places = List.of(new ProblemPlace.Place(null, entry.path("id").asText(null), null, field));
            }
        }
        return new CheckedProblem(text, true, places);
    }

    private static java.time.LocalDate dateOrNull(String text) {
        try {
            return text == null ? null : java.time.LocalDate.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
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
