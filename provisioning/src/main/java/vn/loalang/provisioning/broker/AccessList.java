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
 *
 * <p>The rights are a model first ({@link #rulesOf}, a list of {@link TopicRule}), rendered here as
 * Mosquitto's file and read as they are by the controller's embedded broker: one set of rules.
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
        return rulesOf(a).stream().map(TopicRule::mosquittoLine).toList();
    }

    /** What one account may read and write: the one model behind Mosquitto's file and the embedded broker. */
    public List<TopicRule> rulesOf(BrokerAccount a) {
        if (a.kind() == BrokerAccount.Kind.CONTROLLER) {
            return List.of(TopicRule.readWrite(topics.everything()));
        }
        if (a.kind() == BrokerAccount.Kind.OBSERVER) {
            return List.of(TopicRule.read(topics.everything()));
        }
        String id = a.username();
        List<TopicRule> rules = new ArrayList<>(List.of(
                TopicRule.read(topics.schedule(id)),
                TopicRule.read(topics.command(id)),
                TopicRule.read(topics.ack(id)),
                TopicRule.read(topics.controllerState())));
        a.villages().forEach(v -> rules.add(TopicRule.read(topics.zoneAlerts(v))));
        // Live (issue 17): every channel's signed state, and the talks to its own villages only.
        rules.add(TopicRule.read(topics.allLiveStates()));
        a.villages().forEach(v -> rules.add(TopicRule.read(topics.zoneTalks(v))));
        rules.add(TopicRule.write(topics.state(id)));
        rules.add(TopicRule.write(topics.telemetry(id)));
        rules.add(TopicRule.write(topics.event(id)));
        return List.copyOf(rules);
    }
}
