package vn.loalang.protocol.station;

public enum Presence {
    ONLINE, OFFLINE
}
