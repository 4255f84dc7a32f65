package vn.loalang.agent.content;

import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionType;

/** The content cache's budget, e.g. {@code "cache": {"maxMegabytes": 512}}. */
public record CacheConfig(Long maxMegabytes) {
    /** Its settings in {@code station.json}, defined once (see {@link vn.loalang.agent.AgentOptions#ALL}). */
    public static final Option<Long> CACHE_MAX_MEGABYTES = Option.of("cache.maxMegabytes",
                    OptionType.whole(16, 65_536, "megabytes"), "the content cache's size").byDefault(512L)
            .help("How much audio the card keeps; beyond it the files used longest ago are deleted, never those "
                    + "the coming sessions need nor what is playing.");

    public CacheConfig {
        maxMegabytes = CACHE_MAX_MEGABYTES.check(maxMegabytes);
    }

    public long maxBytes() {
        return maxMegabytes * 1024 * 1024;
    }
}
