package vn.loalang.provisioning.broker;

import vn.loalang.protocol.Topics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Mosquitto's {@code acl_file}: who may read and write which topics. Written out user by user,
 * with no {@code pattern} lines, so that the file says plainly what each station may do, and a
 * station is only ever granted topics that carry its own id or its own villages.
 *
 * <p>A station reads its schedule, commands, receipts, the controller's presence and its villages'
 * alerts; it writes only its own state (also its Last Will), telemetry and events. Nothing else:
 * no other station's topics, no alert, no health. The controller may read and write the whole tree;
 * an observer (a monitoring bot) may read it and write nothing.
 */
public final class AccessList {
    private final Topics topics;

    public AccessList(Topics topics) {
        this.topics = topics;
    }

    public String render(List<BrokerAccount> accounts) {
        List<String> lines = new ArrayList<>();
        lines.add("# Loa Làng broker access list, written by the controller: do not edit by hand (it is rewritten).");
        lines.add("# A user with no lines here may do nothing. Anonymous clients are refused by the listener.");
        List<BrokerAccount> sorted = new ArrayList<>(accounts);
        sorted.sort(Comparator.comparing(BrokerAccount::kind).thenComparing(BrokerAccount::username));
        for (BrokerAccount a : sorted) {
            lines.add("");
            lines.add("user " + a.username());
            lines.addAll(rules(a));
        }
        return String.join("\n", lines) + "\n";
    }

    /** The {@code topic} lines of one account, in the order the broker reads them. */
    List<String> rules(BrokerAccount a) {
        if (a.kind() == BrokerAccount.Kind.CONTROLLER) {
            return List.of("topic readwrite " + topics.root() + "/#");
        }
        if (a.kind() == BrokerAccount.Kind.OBSERVER) {
            return List.of("topic read " + topics.root() + "/#");
        }
        String id = a.username();
        List<String> rules = new ArrayList<>(List.of(
                "topic read " + topics.schedule(id),
                "topic read " + topics.command(id),
                "topic read " + topics.ack(id),
                "topic read " + topics.root() + "/controller/state"));
        a.villages().forEach(v -> rules.add("topic read " + topics.zoneAlerts(v)));
        rules.add("topic write " + topics.state(id));
        rules.add("topic write " + topics.telemetry(id));
        rules.add("topic write " + topics.event(id));
        return rules;
    }
}
