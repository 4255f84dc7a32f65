package vn.loalang.controller.alert.cap;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;

/**
 * One CAP 1.2 alert message as received: the envelope and its info blocks (several when the same
 * warning comes in several languages, or for several areas). Fields CAP leaves optional are null when
 * absent; the lists are empty.
 *
 * @param sent       when the sender issued it, with the sender's offset (kept for what operators read)
 * @param references the earlier messages this one replaces ({@code Update}) or withdraws ({@code Cancel})
 */
public record CapAlert(String identifier, String sender, OffsetDateTime sent, Status status, MsgType msgType,
                       Scope scope, List<Reference> references, String note, List<CapInfo> infos) {
    public CapAlert {
        Objects.requireNonNull(identifier, "identifier");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(sent, "sent");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(msgType, "msgType");
        Objects.requireNonNull(scope, "scope");
        references = List.copyOf(references);
        infos = List.copyOf(infos);
    }

    // The constants of these enumerations are spelt as CAP spells them (case matters in CAP), so that a
    // value read, a value logged and a value in an error message are the same word.

    public enum Status { Actual, Exercise, System, Test, Draft }

    public enum MsgType { Alert, Update, Cancel, Ack, Error }

    public enum Scope { Public, Restricted, Private }

    /** An earlier message, named as CAP names it: {@code sender,identifier,sent}. */
    public record Reference(String sender, String identifier, OffsetDateTime sent) {
        public Reference {
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(identifier, "identifier");
            Objects.requireNonNull(sent, "sent");
        }
    }
}
