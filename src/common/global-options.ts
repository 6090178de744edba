/**
 * The berth command's global options (before the command name): parsed by the CLI (src/cli/main.ts),
 * and only skipped by the daemon's entry (src/daemon/start.ts) to find `serve` without loading the CLI.
 */
export const GLOBAL_WITH_VALUE: ReadonlySet<string> = new Set(['-H', '--host', '-l', '--log-level', '--config', '--context', '-c']);
export const GLOBAL_FLAGS: ReadonlySet<string> = new Set(['-D', '--debug', '--tls', '--tlsverify']);
