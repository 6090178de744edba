/**
 * Registry and archive commands: pull, push, login, logout, save, load, and
 * `berth registry serve|gc` (the built-in OCI registry, which runs in this process).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { UsageError } from '../../common/errors.js';
import { parseNormalizedNamed } from '../../image/reference.js';
import { eraseCredentials, getCredentials, serverKey, storeCredentials } from '../../registry/client/credentials.js';
import type { JsonMessage } from '../../registry/client/progress.js';
import { DaemonError, jsonLines } from '../../client/engine-client.js';
import { authFor } from '../../client/registry-auth.js';
import type { CliContext } from '../context.js';

const enc = encodeURIComponent;

/** Docker's display of a JSON progress stream: bars redrawn in place on a TTY, plain lines otherwise. */
export class ProgressPrinter {
  /** ids of the per-layer lines above the cursor, oldest first */
  private lines: string[] = [];
  private tty: boolean;
  constructor(private out: (s: string) => void, private quiet = false, tty = Boolean(process.stdout.isTTY),
    private columns = process.stdout.columns || 0) { this.tty = tty; }
  handle(m: JsonMessage): void {
    if (m.error || m.errorDetail) throw DaemonError.fromStream(m);
    if (this.quiet) return;
    if (m.stream) { this.out(m.stream); return; }
    if (m.aux || (m.status === undefined && !m.id)) return;
    let text = `${m.id ? `${m.id}: ` : ''}${m.status ?? ''}${m.progress && this.tty ? ' ' + m.progress : ''}`;
    if (!m.id || !this.tty) {
      if (!this.tty && m.progressDetail?.current !== undefined) return; // bars are for terminals
      // a plain line moves the layer lines out of reach: later updates start new lines below it
      this.lines = [];
      this.out(text + '\n');
      return;
    }
    // a wrapped line would break the cursor arithmetic: on a narrow terminal keep the numbers, drop the bar (as Docker does)
    if (this.columns > 1 && text.length >= this.columns && m.progress?.includes('] ')) {
      text = `${m.id}: ${m.status ?? ''} ${m.progress.slice(m.progress.indexOf('] ') + 2)}`;
    }
    if (this.columns > 1 && text.length >= this.columns) text = text.slice(0, this.columns - 1);
    const i = this.lines.indexOf(m.id);
    if (i < 0) { this.lines.push(m.id); this.out(`\x1b[2K\r${text}\n`); return; }
    const up = this.lines.length - i;
    this.out(`\x1b[${up}A\x1b[2K\r${text}\x1b[${up}B\r`);
  }
  async consume(res: AsyncIterable<any> | any): Promise<void> {
    for await (const m of jsonLines(res)) this.handle(m);
  }
}

export { authFor } from '../../client/registry-auth.js';

async function pullCommand(ctx: CliContext, name: string, o: { allTags?: boolean; platform?: string; quiet?: boolean }): Promise<void> {
  const client = await ctx.client();
  const named = parseNormalizedNamed(name);
  if (o.allTags && (named.tag || named.digest)) throw new UsageError('tag can\'t be used with --all-tags/-a');
  let tag: string | undefined;
  let shown = name;
  if (!o.allTags && !named.tag && !named.digest) {
    tag = 'latest';
    shown = `${name}:latest`;
    if (!o.quiet) ctx.out('Using default tag: latest\n');
  }
  const res = await client.request('POST', '/images/create', {
    query: { fromImage: name, tag, platform: o.platform },
    headers: authFor(name),
  });
  await new ProgressPrinter((s) => ctx.out(s), o.quiet).consume(res);
  const full = named.domain === 'docker.io' ? `docker.io/${named.path}` : `${named.domain}/${named.path}`;
  ctx.out(o.allTags ? `${full}\n` : `${full}${shown.slice(shown.lastIndexOf(named.digest ? '@' : ':'))}\n`);
}

export function registerRegistryCommands(program: Command, ctx: CliContext, image: Command): void {
  const definePull = (parent: Command) => parent.command('pull').usage('[OPTIONS] NAME[:TAG|@DIGEST]').description('Download an image from a registry')
    .argument('<name>')
    .option('-a, --all-tags', 'Download all tagged images in the repository')
    .option('--platform <string>', 'Set platform if server is multi-platform capable')
    .option('-q, --quiet', 'Suppress verbose output')
    .option('--disable-content-trust', 'Skip image verification (default true)')
    .action((name: string, o: any) => pullCommand(ctx, name, o));
  definePull(program);
  definePull(image);

  const definePush = (parent: Command) => parent.command('push').usage('[OPTIONS] NAME[:TAG]').description('Upload an image to a registry')
    .argument('<name>')
    .option('-a, --all-tags', 'Push all tags of an image to the repository')
    .option('-q, --quiet', 'Suppress verbose output')
    .option('--platform <string>', 'Push a platform-specific manifest as a single-platform image')
    .option('--disable-content-trust', 'Skip image signing (default true)')
    .action(async (name: string, o: any) => {
      const client = await ctx.client();
      const named = parseNormalizedNamed(name);
      if (named.digest) throw new UsageError('cannot push a digest reference');
      if (o.allTags && named.tag) throw new UsageError('tag can\'t be used with --all-tags/-a');
      const tag = o.allTags ? undefined : (named.tag ?? 'latest');
      if (!o.allTags && !named.tag && !o.quiet) ctx.out('Using default tag: latest\n');
      const repo = named.tag ? name.slice(0, name.lastIndexOf(':')) : name;
      const res = await client.request('POST', `/images/${enc(repo)}/push`, { query: { tag }, headers: authFor(name) });
      await new ProgressPrinter((s) => ctx.out(s), o.quiet).consume(res);
      if (o.quiet) ctx.out(`${named.domain === 'docker.io' ? 'docker.io/' : named.domain + '/'}${named.path}${tag ? ':' + tag : ''}\n`);
    });
  definePush(program);
  definePush(image);

  program.command('login').usage('[OPTIONS] [SERVER]').description('Authenticate to a registry')
    .argument('[server]')
    .option('-u, --username <string>', 'Username')
    .option('-p, --password <string>', 'Password')
    .option('--password-stdin', 'Take the password from stdin')
    .action(async (server: string | undefined, o: any) => {
      const domain = server ? server.replace(/^https?:\/\//, '').replace(/\/.*$/, '') : 'docker.io';
      let password: string | undefined = o.password;
      if (o.passwordStdin) {
        if (o.password) throw new UsageError('--password and --password-stdin are mutually exclusive');
        if (!o.username) throw new UsageError('Must provide --username with --password-stdin');
        const chunks: Buffer[] = [];
        for await (const c of process.stdin) chunks.push(c as Buffer);
        password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
      } else if (o.password) {
        ctx.err('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
      }
      let username: string | undefined = o.username;
      if (!username || password === undefined) {
        const saved = getCredentials(domain);
        if (!username && !password && saved?.username && saved.password) { username = saved.username; password = saved.password; }
      }
      if (!username) username = await prompt('Username: ');
      if (password === undefined) password = await prompt('Password: ');
      if (!username) throw new UsageError('Error: Non-null Username Required');
      const client = await ctx.client();
      await client.json('POST', '/auth', { body: { username, password, serveraddress: serverKey(domain) } });
      storeCredentials(domain, { username, password });
      ctx.out('Login Succeeded\n');
    });

  program.command('logout').usage('[SERVER]').description('Log out from a registry')
    .argument('[server]')
    .action(async (server: string | undefined) => {
      const domain = server ? server.replace(/^https?:\/\//, '').replace(/\/.*$/, '') : 'docker.io';
      const key = serverKey(domain);
      if (!eraseCredentials(domain)) ctx.out(`Not logged in to ${key}\n`);
      else ctx.out(`Removing login credentials for ${key}\n`);
    });

  const defineSave = (parent: Command) => parent.command('save').usage('[OPTIONS] IMAGE [IMAGE...]').description('Save one or more images to a tar archive (streamed to STDOUT by default)')
    .argument('<images...>')
    .option('-o, --output <string>', 'Write to a file, instead of STDOUT')
    .option('--platform <string>', 'Save only the given platform')
    .action(async (imgs: string[], o: any) => {
      if (!o.output && process.stdout.isTTY) throw new UsageError('cowardly refusing to save to a terminal. Use the -o flag or redirect');
      const client = await ctx.client();
      const res = await client.request('GET', '/images/get', { query: { names: imgs } });
      await pipeline(res, o.output ? createWriteStream(o.output) : process.stdout);
    });
  defineSave(program);
  defineSave(image);

  const defineLoad = (parent: Command) => parent.command('load').usage('[OPTIONS]').description('Load an image from a tar archive or STDIN')
    .option('-i, --input <string>', 'Read from tar archive file, instead of STDIN')
    .option('-q, --quiet', 'Suppress the load output')
    .option('--platform <string>', 'Load only the given platform')
    .action(async (o: any) => {
      if (!o.input && process.stdin.isTTY) throw new UsageError('requested load from stdin, but stdin is empty');
      const client = await ctx.client();
      const res = await client.request('POST', '/images/load', {
        // 1 MiB reads: a 100 MB archive is then ~100 chunks through the CLI's streams instead of ~1,500
        query: { quiet: o.quiet ? 1 : undefined }, body: o.input ? createReadStream(o.input, { highWaterMark: 1024 * 1024 }) : process.stdin, contentType: 'application/x-tar',
      });
      await new ProgressPrinter((s) => ctx.out(s)).consume(res);
    });
  defineLoad(program);
  defineLoad(image);

  const registry = program.command('registry').usage('COMMAND').description('Run berth\'s OCI registry');
  registry.command('serve').description('Serve an OCI distribution registry (v1.1) from its own storage root')
    .option('--root <dir>', 'storage root', '/var/lib/berth-registry')
    .option('--addr <host:port>', 'listen address', '127.0.0.1:5000')
    .option('--htpasswd <file>', 'htpasswd file with bcrypt entries (enables basic auth)')
    .option('--auth <mode>', 'none, basic or token (token: the registry issues bearer tokens at /token)')
    .option('--realm <string>', 'basic auth realm', 'berth-registry')
    .option('--tls-cert <file>', 'TLS certificate')
    .option('--tls-key <file>', 'TLS key')
    .option('--tls-client-ca <file>', 'require client certificates signed by this CA')
    .option('--max-manifest-size <bytes>', 'largest manifest accepted', (v: string) => Number(v), 4 * 1024 * 1024)
    .option('--max-blob-size <bytes>', 'largest blob accepted', (v: string) => Number(v))
    .option('--gc-interval <seconds>', 'collect unreferenced blobs this often (0 = never)', (v: string) => Number(v), 0)
    .option('--gc-grace <seconds>', 'blobs younger than this survive online GC', (v: string) => Number(v), 600)
    .option('--no-delete', 'refuse manifest and blob deletion')
    .action(async (o: any) => {
      const { RegistryServer } = await import('../../registry/server/server.js');
      const { startHeapTrim } = await import('../../daemon/heap-trim.js');
      startHeapTrim();
      const mode = o.auth ?? (o.htpasswd ? 'basic' : 'none');
      if (mode !== 'none' && !o.htpasswd) throw new UsageError(`--auth ${mode} needs --htpasswd`);
      const m = /^(.*):(\d+)$/.exec(o.addr);
      if (!m) throw new UsageError(`invalid --addr ${o.addr}: use host:port`);
      const server = new RegistryServer({
        root: o.root,
        auth: { mode, htpasswd: o.htpasswd, realm: o.realm },
        tls: o.tlsCert ? { cert: o.tlsCert, key: o.tlsKey, clientCa: o.tlsClientCa } : undefined,
        maxManifestBytes: o.maxManifestSize, maxBlobBytes: o.maxBlobSize,
        gcIntervalMs: o.gcInterval * 1000, gcGraceMs: o.gcGrace * 1000, deleteEnabled: o.delete !== false,
      });
      const a = await server.listen(Number(m[2]), m[1].replace(/^\[|\]$/g, '') || '0.0.0.0');
      ctx.err(`berth registry listening on ${a.host}:${a.port} (root ${o.root})\n`);
      const stop = () => { void server.close().then(() => process.exit(0)); };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      await new Promise<never>(() => {});
    });
  registry.command('gc').description('Delete blobs no manifest references (offline: stop the registry first)')
    .option('--root <dir>', 'storage root', '/var/lib/berth-registry')
    .option('--dry-run', 'only list what would be deleted')
    .action(async (o: any) => {
      const { RegistryStorage } = await import('../../registry/server/storage.js');
      const r = await new RegistryStorage(o.root).collectGarbage({ dryRun: Boolean(o.dryRun) });
      for (const m of r.orphans) ctx.out(`${o.dryRun ? 'would delete' : 'deleted'} manifest ${m} (its subject is gone)\n`);
      for (const d of r.deleted) ctx.out(`${o.dryRun ? 'would delete' : 'deleted'} ${d}\n`);
      ctx.out(`${r.deleted.length} blobs ${o.dryRun ? 'eligible for deletion' : 'deleted'}, ${r.kept} kept\n`);
    });
}

async function prompt(q: string): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new UsageError('Error: Cannot perform an interactive login from a non TTY device');
  }
  const { createInterface } = await import('node:readline'); // only for an interactive login
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try { return await new Promise<string>((resolve) => rl.question(q, resolve)); } finally { rl.close(); }
}

