/**
 * The CLI's global options (src/cli/global-options.ts), for the daemon's entry (start.ts), which
 * must not import the CLI's layer; test/daemon/start-entry.test.ts keeps the two equal.
 */
export const DAEMON_GLOBAL_WITH_VALUE: ReadonlySet<string> = new Set(['-H', '--host', '-l', '--log-level', '--config', '--context', '-c']);
export const DAEMON_GLOBAL_FLAGS: ReadonlySet<string> = new Set(['-D', '--debug', '--tls', '--tlsverify']);
