// Every tuned constant of `auto`, one line each on why, grouped as docs/auto.md's
// sections, which hold the measurements behind them.


/** Prior for a lane's unloaded round trip, ms: 25-150 us measured (bench pool, placements). */
export const OVERHEAD_PRIOR_MS = 0.05;
/** Until measured loaded, a task's loop ms is a lone one's less this (at most half of it): what load shares out. */
export const LONE_SAVED_MS: Record<'worker' | 'async', number> = { worker: 0.03, async: 0.01 };
/** That saving is at most this share of the lone figure. */
export const LONE_SAVED_MAX_SHARE = 0.5;


/** Cap on one task's count of arrivals: a slow try under a chain sees dozens, which says "saturated". */
export const MAX_CONCURRENCY = 64;
/** EWMA keep-share a sample when the count rises (fast: 1 -> 8 callers must leave the loop at once). */
export const CONCURRENCY_KEEP_UP = 0.5;
/** EWMA keep-share a sample when it falls (slow: explorations are rare while inline). */
export const CONCURRENCY_KEEP_DOWN = 0.8;
/** At most this many samples of one mean count as EWMA steps. */
export const CONCURRENCY_MAX_STEPS = 64;
/** One inline call in this many counts the calls chained before its first reaction (a power of 2). */
export const CHAIN_SAMPLE_EVERY = 8;


/** Share of spent time an alternative of the same implementation may cost: 0.01 cost 4-19% of throughput. */
export const EXPLORE_SHARE = 0.004;
/** The other implementation (TS while native runs) 10x less: a TS try costs 10-20x a native run. */
export const TWIN_EXPLORE_SHARE = EXPLORE_SHARE / 10;
/** A never-measured implementation is paced as this many times the best's cost. */
export const UNKNOWN_FACTOR = 20;
/** ...plus this, ms, so that it is paced even while the best costs about 0. */
export const UNKNOWN_EXTRA_MS = 0.1;
/** Runs of a size bucket before its cost paces its tries: one cold run (11.9 ms for a 0.085 ms task) held off the next for 22k calls. */
export const FIRM_SAMPLES = 2;


/** A loop-account window closes after this many ms: ~16 calls of a 1 ms kernel, one CPU clock read (0.6 us). */
export const LOOP_ACCOUNT_WINDOW_MS = 16;
/** ...and once it holds this many completed calls: fewer say little. */
export const LOOP_ACCOUNT_MIN_CALLS = 16;
/** The lane that ran at least this share of a window's calls takes the unseen cost. */
export const DOMINANT_SHARE = 0.9;


/** A realized-rate window closes after this many ms: ~50 calls of a 1 ms kernel at 8 in flight, 2 cores. */
export const REALIZED_WINDOW_MS = 50;
/** ...and once it holds this many calls. */
export const REALIZED_MIN_CALLS = 16;
/** Calls that went elsewhere (explorations) may be at most this share of a window's. */
export const REALIZED_OTHER_SHARE = 0.1;
/** A window's slack moves the estimate up by this share: slow, a stalled phase must not send a lane away. */
export const SLACK_UP = 0.1;
/** ...and down by this one. */
export const SLACK_DOWN = 0.25;
/** A window's slack is clamped to [SLACK_SAMPLE_MIN, SLACK_SAMPLE_MAX]. */
export const SLACK_SAMPLE_MIN = 0.5;
export const SLACK_SAMPLE_MAX = 2.5;
/** The estimate stays in [SLACK_MIN, SLACK_MAX]: measured misses were 1.13-1.8; at 1.6 a lane loses only where 1.6x dearer. */
export const SLACK_MIN = 0.67;
export const SLACK_MAX = 1.6;


/** Until measured under load, libuv's slack is 1 / this: it ran 15-25% fewer calls/s than workers at a model tie. */
export const LIBUV_EDGE = 0.8;


/** A new best must cost at most this share of the last; from offloaded, inline must fit this share of the budget. */
export const SWITCH_MARGIN = 0.9;
/** A far-ahead inline choice is reused for this many calls of its size: a full choice was 9% of a 4 us call. */
export const REUSE_CALLS = 16;
/** Far ahead: the others cost at least this many times it, and its run fits 1 / this of the budget. */
export const REUSE_LEAD = 2;
/** Reuse ends once the callers on the loop exceed this factor of those at the choice... */
export const REUSE_LOAD_FACTOR = 1.25;
/** ...plus this many. */
export const REUSE_LOAD_EXTRA = 0.5;


/** An inline run shorter than clock.ts CPU_TIMED_MS is CPU-timed at most once every this many ms (0.1% of the loop). */
export const CPU_SAMPLE_EVERY_MS = 1;
