package vn.loalang.controller.mirror;

import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A channel's secrets (bot token, app secret and rotating refresh token, API keys, passwords): read when a message is
 * sent, written back when the service rotated one. Kept out of the store, the audit log, the API and the logs.
 */
public interface ChannelSecrets {
    /** The secrets as last written; empty when none were set. */
    Map<String, String> read();

    /**
     * Replaces the secrets, durably, before the caller uses what they hold: Zalo's refresh token is single-use, so a
     * crash after a refresh must not leave the old one on the card.
     */
    void write(Map<String, String> secrets);

    /**
     * Reads, changes and writes the secrets as one step, no other update or write of this channel's secrets in
     * between (the settings page setting a key while Zalo's renewal writes its tokens): {@code change} gets the
     * secrets as they are and returns what to write. Returns what was written.
     */
    Map<String, String> update(UnaryOperator<Map<String, String>> change);
}
