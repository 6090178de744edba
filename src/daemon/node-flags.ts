/**
 * V8 flags for the `berth serve` process. The daemon allocates little per request, but V8's default
 * young generation grows to 16 MB semi-spaces: ~10 MB more resident memory after some container runs
 * than it needs (issue 9's goal: idle daemon RSS < 60 MB). Scavenges of a 2 MB semi-space stay well
 * under a millisecond for this heap.
 */
export const DAEMON_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];
