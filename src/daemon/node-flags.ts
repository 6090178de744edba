/**
 * V8 flags for the `berth serve` process. The daemon allocates little per request, but V8's default
 * young generation grows to 16 MB semi-spaces: ~10 MB more resident memory after some container runs
 * than it needs, where an idle daemon should stay under 60 MB resident. Scavenges of a 2 MB semi-space
 * stay well under a millisecond for this heap.
 * A large initial old space keeps V8 from a full collection every few megabytes of stream buffers
 * during pulls and pushes (a 100 MB pull: ~30 collections and ~450 ms of CPU, ~280 ms without);
 * --expose-gc lets heap-trim.ts collect once such a transfer is over. bin/berth passes the same
 * text for `berth serve` and `berth registry serve`.
 */
export const DAEMON_FLAG_TEXT = '--max-semi-space-size=2 --initial-old-space-size=128 --expose-gc';
export const DAEMON_NODE_FLAGS: readonly string[] = DAEMON_FLAG_TEXT.split(' ');
