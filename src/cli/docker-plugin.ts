/**
 * berth compose as a docker CLI plugin (cli-plugins/docker-compose runs `berth --docker-cli-plugin …`).
 * The docker CLI asks `docker-compose docker-cli-plugin-metadata` for the plugin's metadata, and runs
 * `docker-compose [GLOBAL OPTIONS] compose [ARGS]` for `docker [GLOBAL OPTIONS] compose [ARGS]`: the
 * engine is the one the docker CLI would use (-H, --context, DOCKER_HOST, DOCKER_CONTEXT, the
 * config's current context, else /var/run/docker.sock), and berth never starts a daemon for it.
 */
import { UsageError } from '../common/errors.js';
import { EngineClient } from '../client/engine-client.js';
import { resolveDockerHost } from '../client/docker-host.js';
import { socketFromHost } from './host.js';

interface PluginArgs { hosts: string[]; context?: string; config?: string; tls: boolean; rest: string[] }

const WITH_VALUE: Record<string, keyof PluginArgs> = { '-H': 'hosts', '--host': 'hosts', '-c': 'context', '--context': 'context', '--config': 'config', '-l': 'tls', '--log-level': 'tls', '--tlscacert': 'tls', '--tlscert': 'tls', '--tlskey': 'tls' };
const BOOLEAN = new Set(['-D', '--debug', '--tls', '--tlsverify']);

/** The docker CLI's global options before `compose` (pflag's forms: -H x, -Hx, -H=x, --host x, --host=x). */
export function parsePluginArgs(argv: string[]): PluginArgs {
  const out: PluginArgs = { hosts: [], tls: false, rest: [] };
  let i = 0;
  const set = (name: string, value: string): void => {
    const key = WITH_VALUE[name];
    if (key === 'hosts') out.hosts.push(value);
    else if (key === 'context') out.context = value;
    else if (key === 'config') out.config = value;
    else if (name.startsWith('--tls')) out.tls = true;
  };
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-')) break;
    if (BOOLEAN.has(a.replace(/=.*$/, ''))) { if (a.startsWith('--tls')) out.tls = a.endsWith('=false') ? out.tls : true; continue; }
    const long = /^(--[\w-]+)=(.*)$/.exec(a);
    if (long && WITH_VALUE[long[1]]) { set(long[1], long[2]); continue; }
    if (WITH_VALUE[a]) {
      if (i + 1 >= argv.length) throw new UsageError(`flag needs an argument: ${a}`);
      set(a, argv[++i]);
      continue;
    }
    const short = /^(-[Hcl])=?(.+)$/.exec(a);
    if (short) { set(short[1], short[2]); continue; }
    throw new UsageError(`unknown flag: ${a}`);
  }
  if (argv[i] !== 'compose') throw new UsageError(`the docker CLI runs this plugin as "docker-compose [OPTIONS] compose [ARGS]"; got ${JSON.stringify(argv.slice(i).join(' '))}`);
  out.rest = argv.slice(i + 1);
  return out;
}

export function pluginMetadata(version: string): string {
  return `${JSON.stringify({
    SchemaVersion: '0.1.0', Vendor: 'berth', Version: `v${version.replace(/^v/, '')}`,
    ShortDescription: 'Docker Compose', URL: 'https://github.com/berth',
  }, null, 4)}\n`;
}

/** Run the plugin with the docker CLI's arguments; resolves to the exit code. */
export async function runDockerPlugin(argv: string[], loadCompose: () => Promise<{ runCompose: (argv: string[], io: unknown) => Promise<number>; COMPOSE_VERSION: string; EngineClient: typeof EngineClient }>): Promise<number> {
  if (argv[0] === 'docker-cli-plugin-metadata') {
    process.stdout.write(pluginMetadata((await loadCompose()).COMPOSE_VERSION));
    return 0;
  }
  const args = parsePluginArgs(argv);
  // --config is the docker config directory for everything that reads it (credentials, psFormat, contexts)
  if (args.config) process.env.DOCKER_CONFIG = args.config;
  const { host } = resolveDockerHost({ hosts: args.hosts, context: args.context, env: process.env });
  // TLS options only matter for a TCP engine, which this client does not reach
  if (!host.startsWith('unix://') && !host.startsWith('/')) throw new UsageError(`berth compose talks to unix sockets only; the docker CLI's engine here is ${host}${args.tls ? ' (with TLS)' : ''}`);
  const socket = socketFromHost(host);
  let client: EngineClient | null = null;
  const mod = await loadCompose();
  return mod.runCompose(args.rest, {
    client: async () => (client ??= new mod.EngineClient(socket)), env: process.env, cwd: process.cwd(),
    stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, commandName: 'docker compose',
  });
}
