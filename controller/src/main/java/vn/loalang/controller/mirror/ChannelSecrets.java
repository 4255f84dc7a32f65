package vn.loalang.controller.mirror;

import java.util.Map;

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
}
