package vn.loalang.controller.api;

import vn.loalang.protocol.schedule.QuietHours;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.Directory;
import vn.loalang.controller.directory.HealthThresholds;
import vn.loalang.controller.directory.VolumeLimits;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.User;
import vn.loalang.controller.users.UserDirectory;
import vn.loalang.protocol.Json;

import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * The commune's settings, villages and stations. Administrators shape the directory (and merge
 * villages when communes merge); technicians add stations and record where they are and how they
 * are equipped. A station keeps its id through renames and moves, so it is never provisioned again.
 */
final class DirectoryRoutes {
    record CommuneView(String id, String name, String timeZone, int horizonDays, double targetLufs,
                       QuietHours quietHours, HealthThresholds health, VolumeLimits volume, int villages, int stations) {
    }

    /** @param ownProgram whether the village has a program of its own (else it plays the commune's) */
    record VillageView(String id, String name, String formerCommune, boolean ownProgram, List<String> stations,
                       List<String> geocodes) {
    }

    record NewVillage(String id, String name, String formerCommune, List<String> geocodes) {
    }

    record VillageEdit(String name, String formerCommune, List<String> geocodes) {
    }

    record Merge(String into) {
    }

    /** What a merger will move, shown before it is confirmed: {@link Directory.MergePreview} and the village heads. */
    record MergePreviewView(String from, String fromName, String into, String intoName, List<String> stations,
                            List<String> villageHeads, boolean ownProgramDropped, List<String> geocodesDropped,
                            String intoFollows) {
    }

    private final Directory directory;
    private final StationStatus stations;
    private final UserDirectory users;
    private final Access access;

    private DirectoryRoutes(Directory directory, StationStatus stations, UserDirectory users, Access access) {
        this.directory = directory;
        this.stations = stations;
        this.users = users;
        this.access = access;
    }

    static void mount(Router router, Directory directory, StationStatus stations, UserDirectory users) {
        DirectoryRoutes r = new DirectoryRoutes(directory, stations, users, router.access());
        router.add(HandlerType.GET, "/api/commune", Rights.STAFF, ctx -> {
            ctx.json(r.commune());
        });
        router.add(HandlerType.PUT, "/api/commune", Rights.roles(Role.ADMIN), r::updateCommune);
        router.add(HandlerType.GET, "/api/villages", Rights.STAFF, ctx -> {
            ctx.json(r.villages());
        });
        router.add(HandlerType.POST, "/api/villages", Rights.roles(Role.ADMIN), r::addVillage);
        router.add(HandlerType.PUT, "/api/villages/{id}", Rights.roles(Role.ADMIN), r::renameVillage);
        router.add(HandlerType.DELETE, "/api/villages/{id}", Rights.roles(Role.ADMIN), ctx -> {
            User admin = r.access.user(ctx);
            String id = ctx.pathParam("id");
            directory.removeVillage(admin.username(), id, c -> users.requireNoHeadsOf(c, id));
            ctx.status(204);
        });
        router.add(HandlerType.GET, "/api/villages/{id}/merge", Rights.roles(Role.ADMIN), r::mergePreview);
        router.add(HandlerType.POST, "/api/villages/{id}/merge", Rights.roles(Role.ADMIN), r::mergeVillage);
        router.add(HandlerType.GET, "/api/stations", Rights.STAFF, ctx -> {
            ctx.json(stations.rows());
        });
        router.add(HandlerType.POST, "/api/stations", Rights.roles(Role.ADMIN, Role.TECHNICIAN), r::addStation);
        router.add(HandlerType.PUT, "/api/stations/{id}", Rights.roles(Role.ADMIN, Role.TECHNICIAN), r::updateStation);
        router.add(HandlerType.DELETE, "/api/stations/{id}", Rights.roles(Role.ADMIN), ctx -> {
            User admin = r.access.user(ctx);
            directory.removeStation(admin.username(), ctx.pathParam("id"));
            ctx.status(204);
        });
    }

    private CommuneView commune() {
        Commune c = directory.current();
        Commune.Settings k = c.commune();
        return new CommuneView(k.id(), k.name(), k.timeZone(), k.horizonDays(), k.targetLufs(), k.quietHours(),
                k.health(), k.volume(), c.villages().size(), c.stations().size());
    }

    private List<VillageView> villages() {
        Commune c = directory.current();
        return c.villages().stream().map(v -> new VillageView(v.id(), v.name(), v.formerCommune(), v.program() != null,
                c.stations().stream().filter(s -> s.village().equals(v.id())).map(Commune.Station::id).toList(),
                v.geocodes())).toList();
    }

    /** {@code quietHours} given as null removes them; left out, they stay. */
    private void updateCommune(Context ctx) {
        User admin = access.user(ctx);
        JsonNode body = Router.tree(ctx);
        for (String fixed : List.of("id", "timeZone")) {
            if (body.has(fixed)) {
                throw ApiError.invalid(fixed, fixed + " cannot be changed: stations, reports and the store are keyed on it");
            }
        }
        QuietHours quiet = null;
        boolean setQuiet = body.has("quietHours");
        if (setQuiet && !body.get("quietHours").isNull()) {
            JsonNode q = body.get("quietHours");
            try {
                quiet = new QuietHours(time(q, "start"), time(q, "end"));
            } catch (IllegalArgumentException e) {
                throw ApiError.invalid("quietHours", e.getMessage());
            }
        }
        HealthThresholds health = null;
        if (body.hasNonNull("health")) {
            health = parse(body.get("health"), HealthThresholds.class, "health");
        }
        VolumeLimits volume = null;
        if (body.hasNonNull("volume")) {
            volume = parse(body.get("volume"), VolumeLimits.class, "volume");
        }
        Directory.SettingsEdit edit = new Directory.SettingsEdit(Router.text(body, "name"),
                body.has("horizonDays") ? body.get("horizonDays").asInt() : null,
                body.has("targetLufs") ? body.get("targetLufs").asDouble() : null, setQuiet, quiet, health, volume);
        directory.updateSettings(admin.username(), edit);
        ctx.json(commune());
    }

    private void addVillage(Context ctx) {
        User admin = access.user(ctx);
        NewVillage req = Router.body(ctx, NewVillage.class);
        Commune.Village v;
        try {
            v = new Commune.Village(req.id(), req.name(), null, req.formerCommune(), req.geocodes());
        } catch (IllegalArgumentException | NullPointerException e) {
            // A NullPointerException from requireNonNull has a message; one from a JDK collection may not.
            String why = e.getMessage() == null ? "a value is missing (null)" : e.getMessage();
            throw ApiError.invalid(req.id() == null || why.contains("id") ? "id" : why.contains("geocode") ? "geocodes"
                    : "name", why);
        }
        directory.addVillage(admin.username(), v);
        ctx.status(201).json(view(v.id()));
    }

    private void renameVillage(Context ctx) {
        User admin = access.user(ctx);
        VillageEdit req = Router.body(ctx, VillageEdit.class);
        directory.renameVillage(admin.username(), ctx.pathParam("id"), req.name(), req.formerCommune(), req.geocodes());
        ctx.json(view(ctx.pathParam("id")));
    }

    private void mergeVillage(Context ctx) {
        User admin = access.user(ctx);
        Merge req = Router.body(ctx, Merge.class);
        if (req.into() == null) {
            throw ApiError.invalid("into", "into must name the village that takes over the stations");
        }
        String from = ctx.pathParam("id");
        directory.mergeVillage(admin.username(), from, req.into(),
                c -> users.villageMerged(c, admin.username(), from, req.into()));
        ctx.json(view(req.into()));
    }

    /** {@code GET /api/villages/{id}/merge?into=X}: changes nothing. */
    private void mergePreview(Context ctx) {
        String into = ctx.queryParam("into");
        if (into == null || into.isBlank()) {
            throw ApiError.invalid("into", "into must name the village that takes over the stations");
        }
        String from = ctx.pathParam("id");
        Directory.MergePreview p = directory.mergePreview(from, into);
        // The heads are read after the directory: a head added in between shows in the merger's audit entry anyway.
        List<String> heads = users.all().stream().filter(u -> u.villages().contains(from)).map(User::username).toList();
        ctx.json(new MergePreviewView(p.from(), p.fromName(), p.into(), p.intoName(), p.stations(), heads,
                p.ownProgramDropped(), p.geocodesDropped(), p.intoFollows()));
    }

    private void addStation(Context ctx) {
        User user = access.user(ctx);
        Commune.Station station = parse(Router.tree(ctx), Commune.Station.class, null);
        directory.addStation(user.username(), station);
        ctx.status(201).json(row(station.id()));
    }

    private void updateStation(Context ctx) {
        User user = access.user(ctx);
        Directory.StationEdit edit = Router.body(ctx, Directory.StationEdit.class);
        directory.updateStation(user.username(), ctx.pathParam("id"), edit);
        ctx.json(row(ctx.pathParam("id")));
    }

    private VillageView view(String id) {
        return villages().stream().filter(v -> v.id().equals(id)).findFirst().orElseThrow();
    }

    private StationStatus.Row row(String id) {
        return stations.rows().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }


    private static LocalTime time(JsonNode q, String field) {
        try {
            return LocalTime.parse(q.path(field).asText());
        } catch (DateTimeParseException e) {
            throw ApiError.invalid("quietHours." + field, "quietHours." + field + " must be a time like 22:00");
        }
    }

    /** Jackson wraps a record's own complaint; the technician should read the complaint. */
    private static <T> T parse(JsonNode node, Class<T> type, String field) {
        try {
            return Json.mapper().treeToValue(node, type);
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw ApiError.invalid(field, cause.getMessage());
        }
    }
}
