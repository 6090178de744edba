/**
 * The CLI's global options, shared by main.ts (which parses them) and start.cts (which only skips
 * them to name the command for its code cache, and must not load the bundle to do so).
 */
export const GLOBAL_WITH_VALUE: ReadonlySet<string> = new Set(['-H', '--host', '-l', '--log-level', '--config', '--context', '-c']);
export const GLOBAL_FLAGS: ReadonlySet<string> = new Set(['-D', '--debug', '--tls', '--tlsverify']);
