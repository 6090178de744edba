/**
 * Container commands besides run/create/start/attach: ps, logs, exec, stop, kill, restart,
 * pause, unpause, rename, rm, wait, top, diff, prune, commit, export, inspect.
 */
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { NotSupportedError, UsageError } from '../../common/errors.js';
import { DaemonError, encodeFilters, type EngineClient } from '../../client/engine-client.js';
import { collect, confirm, ExitError, forEachTarget, formatError, parseIntOption, type CliContext } from '../context.js';
import { isNotFound } from '../daemon-errors.js';
import { CONTAINER_HEADERS, ContainerContext } from '../../client/format/contexts.js';
import { compile, preFormat, renderItems } from '../../client/format/formatter.js';
import { listFormat } from '../config-formats.js';
import { tabwrite } from '../../client/format/tabwriter.js';
import { humanSize } from '../../client/format/units.js';
import { FrameDemuxer } from '../../client/stdcopy.js';
import { DEFAULT_DETACH_KEYS, pumpConnection } from '../../client/streams.js';
import { getTimestamp } from '../timestamps.js';
import { resolveEnvArg, readEnvFile } from '../envfile.js';
import { defineCpCommand } from './cp.js';

const enc = encodeURIComponent;

export const PS_DEFAULT_TABLE = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';

/**
 * `only`: the command path being run (`['stop']`, `['container', 'ls']`); then only that command is
 * defined (at the top level and under `container`, as always), not the other ~20 with their options.
 * Without it (help, completion, the registrar table's test) every command is.
 */
export function registerContainerCommands(program: Command, ctx: CliContext, group: Command, only?: string[]): void {
  const wanted = (name: string, aliases: string[]) => !only
    || (only.length === 1 && only[0] === name)
    || (only.length === 2 && only[0] === 'container' && (only[1] === name || aliases.includes(only[1])));
  const both = (define: (parent: Command, name: string) => void, name: string, ...aliases: string[]) => {
    if (!wanted(name, aliases)) return;
    define(program, name);
    define(group, name);
    for (const a of aliases) define(group, a);
  };
  /** a command only `container` has (prune, inspect) */
  const groupOnly = (name: string, define: () => void) => { if (!only || (only[0] === 'container' && only[1] === name)) define(); };

  both((parent, name) => parent.command(name).usage('[OPTIONS]').description('List containers')
    .option('-a, --all', 'Show all containers (default shows just running)')
    .option('-f, --filter <filter>', 'Filter output based on conditions provided', collect, [])
    .option('--format <string>', 'Format output using a custom template')
    .option('-n, --last <int>', 'Show n last created containers (includes all states)', parseIntOption('--last'), -1)
    .option('-l, --latest', 'Show the latest created container (includes all states)')
    .option('--no-trunc', "Don't truncate output")
    .option('-q, --quiet', 'Only display container IDs')
    .option('-s, --size', 'Display total file sizes')
    .option('--all-namespaces', 'Also list containers of other namespaces (the CRI\'s k8s.io); berth extension')
    .action(async (o: any) => {
      const client = await ctx.client();
      let last: number = o.last;
      // berth's namespaces: every namespace is the filter namespace=*
      if (o.allNamespaces) o.filter = [...(o.filter as string[]), 'namespace=*'];
      if (o.latest && last === -1) last = 1;
      // as docker: --quiet wins over any format (a --format given with it is warned about)
      if (o.quiet && o.format) ctx.err('WARNING: Ignoring custom format, because both --format and --quiet are set.\n');
      const format = o.quiet ? '{{.ID}}' : listFormat('psFormat', o.format);
      let table = PS_DEFAULT_TABLE;
      if (o.size) table += '\t{{.Size}}';
      const size = Boolean(o.size) || /\.Size\b/.test(format);
      const list = await client.json<any[]>('GET', '/containers/json', {
        query: { all: o.all || last > 0 ? true : undefined, limit: last > 0 ? last : undefined, size: size || undefined, filters: encodeFilters(o.filter) },
      });
      const trunc = o.trunc !== false;
      ctx.out(renderItems({ format, defaultTable: table, headers: CONTAINER_HEADERS }, list.map((c) => new ContainerContext(c, trunc))));
    }), 'ps', 'ls', 'list');

  both((parent) => parent.command('logs').usage('[OPTIONS] CONTAINER').description('Fetch the logs of a container')
    .argument('<container>')
    .option('--details', 'Show extra details provided to logs')
    .option('-f, --follow', 'Follow log output')
    .option('--since <string>', 'Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)')
    .option('-n, --tail <string>', 'Number of lines to show from the end of the logs', 'all')
    .option('-t, --timestamps', 'Show timestamps')
    .option('--until <string>', 'Show logs before a timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)')
    .action(async (container: string, o: any) => {
      const client = await ctx.client();
      const info = await client.json('GET', `/containers/${enc(container)}/json`);
      const res = await client.request('GET', `/containers/${enc(container)}/logs`, {
        query: {
          stdout: true, stderr: true, follow: o.follow || undefined, tail: o.tail, timestamps: o.timestamps || undefined,
          details: o.details || undefined,
          since: o.since ? getTimestamp(o.since) : undefined, until: o.until ? getTimestamp(o.until) : undefined,
        },
      });
      const contentType = String(res.headers['content-type'] ?? '');
      const raw = contentType.includes('raw-stream') || (!contentType.includes('multiplexed') && Boolean(info.Config?.Tty));
      if (raw) {
        for await (const c of res) process.stdout.write(c as Buffer);
        return;
      }
      const demux = new FrameDemuxer((kind, payload) => {
        if (kind === 'stderr') process.stderr.write(payload);
        else if (kind === 'system') process.stderr.write(payload);
        else process.stdout.write(payload);
      });
      for await (const c of res) demux.push(c as Buffer);
    }), 'logs');

  both((parent) => parent.command('exec').usage('[OPTIONS] CONTAINER COMMAND [ARG...]').description('Execute a command in a running container')
    .argument('<container>').argument('<command...>').passThroughOptions()
    .option('-d, --detach', 'Detached mode: run command in the background')
    .option('--detach-keys <string>', 'Override the key sequence for detaching a container')
    .option('-e, --env <list>', 'Set environment variables', collect, [])
    .option('--env-file <list>', 'Read in a file of environment variables', collect, [])
    .option('-i, --interactive', 'Keep STDIN open even if not attached')
    .option('--privileged', 'Give extended privileges to the command')
    .option('-t, --tty', 'Allocate a pseudo-TTY')
    .option('-u, --user <string>', 'Username or UID (format: "<name|uid>[:<group|gid>]")')
    .option('-w, --workdir <string>', 'Working directory inside the container')
    .action(async (container: string, command: string[], o: any) => {
      const client = await ctx.client();
      const env: string[] = [];
      for (const f of o.envFile) env.push(...readEnvFile(f));
      for (const e of o.env) { const v = resolveEnvArg(e); if (v !== undefined) env.push(v); }
      const tty = Boolean(o.tty);
      const stdin = Boolean(o.interactive);
      if (tty && stdin && !process.stdin.isTTY && !o.detach) throw new UsageError('the input device is not a TTY');
      const detachKeys = o.detachKeys ?? DEFAULT_DETACH_KEYS;
      const consoleSize = tty && process.stdout.isTTY ? [process.stdout.rows, process.stdout.columns] : undefined;
      const created = await client.json<{ Id: string }>('POST', `/containers/${enc(container)}/exec`, {
        body: {
          User: o.user ?? '', Privileged: Boolean(o.privileged), Tty: tty, AttachStdin: stdin && !o.detach,
          AttachStdout: !o.detach, AttachStderr: !o.detach, Env: env, Cmd: command, WorkingDir: o.workdir ?? '',
          DetachKeys: detachKeys, ...(consoleSize ? { ConsoleSize: consoleSize } : {}),
        },
      });
      const execId = created.Id;
      if (o.detach) {
        await client.call('POST', `/exec/${enc(execId)}/start`, { body: { Detach: true, Tty: tty } });
        return;
      }
      let conn;
      try {
        conn = await client.hijack('POST', `/exec/${enc(execId)}/start`, { body: { Detach: false, Tty: tty, ...(consoleSize ? { ConsoleSize: consoleSize } : {}) } });
      } catch (e) {
        // Docker exits with the exec's own code (126/127) when the command could not be started
        const info = await client.json('GET', `/exec/${enc(execId)}/json`).catch(() => undefined);
        if (info && !info.Running && Number(info.ExitCode) > 0) throw new ExitError(Number(info.ExitCode), formatError(e));
        throw e;
      }
      const r = await pumpConnection(conn, {
        tty, stdin, detachKeys,
        resize: (h, w) => client.call('POST', `/exec/${enc(execId)}/resize`, { query: { h, w } }).then(() => undefined),
      });
      if (r.detached) return;
      if (r.systemError) throw new Error(r.systemError.trim());
      // the exit code is recorded when the process is reaped, which can trail the end of its output
      const deadline = Date.now() + 5000;
      let info = await client.json('GET', `/exec/${enc(execId)}/json`);
      while (info.Running && Date.now() < deadline) {
        await new Promise((res) => setTimeout(res, 20));
        info = await client.json('GET', `/exec/${enc(execId)}/json`);
      }
      const code = Number(info.ExitCode ?? 0);
      if (code !== 0) throw new ExitError(code);
    }), 'exec');

  both((parent) => parent.command('stop').usage('[OPTIONS] CONTAINER [CONTAINER...]').description('Stop one or more running containers')
    .argument('<containers...>')
    .option('-s, --signal <string>', 'Signal to send to the container')
    .option('-t, --timeout <int>', 'Seconds to wait before killing the container', parseIntOption('--timeout'))
    .option('--time <int>', 'Seconds to wait before killing the container (deprecated: use --timeout)', parseIntOption('--time'))
    .action(async (containers: string[], o: any) => {
      const client = await ctx.client();
      const t = o.timeout ?? o.time;
      await forEachTarget(containers, async (c) => {
        await client.call('POST', `/containers/${enc(c)}/stop`, { query: { t, signal: o.signal } });
        ctx.out(`${c}\n`);
      });
    }), 'stop');

  both((parent) => parent.command('restart').usage('[OPTIONS] CONTAINER [CONTAINER...]').description('Restart one or more containers')
    .argument('<containers...>')
    .option('-s, --signal <string>', 'Signal to send to the container')
    .option('-t, --timeout <int>', 'Seconds to wait before killing the container', parseIntOption('--timeout'))
    .action(async (containers: string[], o: any) => {
      const client = await ctx.client();
      await forEachTarget(containers, async (c) => {
        await client.call('POST', `/containers/${enc(c)}/restart`, { query: { t: o.timeout, signal: o.signal } });
        ctx.out(`${c}\n`);
      });
    }), 'restart');

  both((parent) => parent.command('kill').usage('[OPTIONS] CONTAINER [CONTAINER...]').description('Kill one or more running containers')
    .argument('<containers...>')
    .option('-s, --signal <string>', 'Signal to send to the container')
    .action(async (containers: string[], o: any) => {
      const client = await ctx.client();
      await forEachTarget(containers, async (c) => {
        await client.call('POST', `/containers/${enc(c)}/kill`, { query: { signal: o.signal } });
        ctx.out(`${c}\n`);
      });
    }), 'kill');

  for (const verb of ['pause', 'unpause'] as const) {
    both((parent) => parent.command(verb).usage('CONTAINER [CONTAINER...]')
      .description(verb === 'pause' ? 'Pause all processes within one or more containers' : 'Unpause all processes within one or more containers')
      .argument('<containers...>')
      .action(async (containers: string[]) => {
        const client = await ctx.client();
        await forEachTarget(containers, async (c) => {
          await client.call('POST', `/containers/${enc(c)}/${verb}`);
          ctx.out(`${c}\n`);
        });
      }), verb);
  }

  both((parent) => parent.command('rename').usage('CONTAINER NEW_NAME').description('Rename a container')
    .argument('<container>').argument('<newName>')
    .action(async (container: string, newName: string) => {
      const client = await ctx.client();
      if (!newName.trim()) throw new UsageError('Error: Neither old nor new names may be empty');
      await client.call('POST', `/containers/${enc(container)}/rename`, { query: { name: newName } });
    }), 'rename');

  both((parent, name) => parent.command(name).usage('[OPTIONS] CONTAINER [CONTAINER...]').description('Remove one or more containers')
    .argument('<containers...>')
    .option('-f, --force', 'Force the removal of a running container (uses SIGKILL)')
    .option('-l, --link', 'Remove the specified link')
    .option('-v, --volumes', 'Remove anonymous volumes associated with the container')
    .action(async (containers: string[], o: any) => {
      if (o.link) throw new NotSupportedError('removing a link (rm --link) is not supported by berth; recreate the linking container');
      const client = await ctx.client();
      await forEachTarget(containers, async (c) => {
        const name = c.replace(/^\/+/, '');
        if (!name) throw new UsageError('Container name cannot be empty');
        await client.call('DELETE', `/containers/${enc(name)}`, { query: { force: o.force || undefined, v: o.volumes || undefined } });
        ctx.out(`${c}\n`);
      });
    }), 'rm', 'remove');

  both((parent) => parent.command('wait').usage('CONTAINER [CONTAINER...]').description('Block until one or more containers stop, then print their exit codes')
    .argument('<containers...>')
    .action(async (containers: string[]) => {
      const client = await ctx.client();
      await forEachTarget(containers, async (c) => {
        const r = await client.json('POST', `/containers/${enc(c)}/wait`, { query: { condition: 'not-running' } });
        if (r?.Error?.Message) throw new DaemonError(500, r.Error.Message);
        ctx.out(`${r?.StatusCode ?? 0}\n`);
      });
    }), 'wait');

  both((parent) => parent.command('top').usage('CONTAINER [ps OPTIONS]').description('Display the running processes of a container')
    .argument('<container>').argument('[psOptions...]').passThroughOptions()
    .action(async (container: string, psArgs: string[]) => {
      const client = await ctx.client();
      const r = await client.json('GET', `/containers/${enc(container)}/top`, { query: { ps_args: psArgs.length ? psArgs.join(' ') : undefined } });
      let text = (r.Titles as string[]).join('\t') + '\n';
      for (const p of r.Processes as string[][]) text += p.join('\t') + '\n';
      ctx.out(tabwrite(text, { minWidth: 20, padding: 3 }));
    }), 'top');

  both((parent) => parent.command('diff').usage('CONTAINER').description("Inspect changes to files or directories on a container's filesystem")
    .argument('<container>')
    .action(async (container: string) => {
      const client = await ctx.client();
      const changes = (await client.json<any[]>('GET', `/containers/${enc(container)}/changes`)) ?? [];
      const kinds = ['C', 'A', 'D'];
      for (const ch of changes) ctx.out(`${kinds[ch.Kind] ?? '?'} ${ch.Path}\n`);
    }), 'diff');

  groupOnly('prune', () => group.command('prune').usage('[OPTIONS]').description('Remove all stopped containers')
    .option('--filter <filter>', 'Provide filter values (e.g. "until=<timestamp>")', collect, [])
    .option('-f, --force', 'Do not prompt for confirmation')
    .action(async (o: any) => {
      if (!o.force && !(await confirm('WARNING! This will remove all stopped containers.\nAre you sure you want to continue?'))) return;
      const client = await ctx.client();
      const r = await client.json('POST', '/containers/prune', { query: { filters: encodeFilters(o.filter) } });
      const deleted: string[] = r?.ContainersDeleted ?? [];
      if (deleted.length) ctx.out('Deleted Containers:\n' + deleted.map((d) => d + '\n').join('') + '\n');
      ctx.out(`Total reclaimed space: ${humanSize(r?.SpaceReclaimed ?? 0)}\n`);
    }));

  both((parent) => parent.command('commit').usage('[OPTIONS] CONTAINER [REPOSITORY[:TAG]]').description("Create a new image from a container's changes")
    .argument('<container>').argument('[repository]')
    .option('-a, --author <string>', 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")')
    .option('-c, --change <list>', 'Apply Dockerfile instruction to the created image', collect, [])
    .option('-m, --message <string>', 'Commit message')
    .option('-p, --pause', 'Pause container during commit', true)
    .option('--no-pause', 'Do not pause the container during commit')
    .action(async (container: string, repository: string | undefined, o: any) => {
      const client = await ctx.client();
      let repo: string | undefined;
      let tag: string | undefined;
      if (repository) {
        const slash = repository.lastIndexOf('/');
        const colon = repository.lastIndexOf(':');
        if (colon > slash) { repo = repository.slice(0, colon); tag = repository.slice(colon + 1); } else repo = repository;
      }
      const r = await client.json('POST', '/commit', {
        query: { container, repo, tag, comment: o.message, author: o.author, pause: o.pause !== false, changes: o.change.length ? o.change : undefined },
        body: {},
      });
      ctx.out(`${r.Id}\n`);
    }), 'commit');

  both((parent) => parent.command('export').usage('[OPTIONS] CONTAINER').description("Export a container's filesystem as a tar archive")
    .argument('<container>')
    .option('-o, --output <string>', 'Write to a file, instead of STDOUT')
    .action(async (container: string, o: any) => {
      if (!o.output && process.stdout.isTTY) throw new UsageError('cowardly refusing to save to a terminal. Use the -o flag or redirect');
      const client = await ctx.client();
      const res = await client.request('GET', `/containers/${enc(container)}/export`);
      await pipeline(res, o.output ? createWriteStream(o.output) : process.stdout);
    }), 'export');

  groupOnly('inspect', () => group.command('inspect').usage('[OPTIONS] CONTAINER [CONTAINER...]').description('Display detailed information on one or more containers')
    .argument('<containers...>')
    .option('-f, --format <string>', 'Format output using a custom template')
    .option('-s, --size', 'Display total file sizes')
    .action(async (names: string[], o: any) => inspectObjects(ctx, names, { type: 'container', format: o.format, size: o.size })));

  both((parent) => defineCpCommand(parent, ctx), 'cp');
}

/** docker inspect: JSON array indented 4 spaces, or one template execution per object. */
export async function inspectObjects(ctx: CliContext, names: string[], o: { type?: string; format?: string; size?: boolean }): Promise<void> {
  if (o.type && !['container', 'image'].includes(o.type)) throw new UsageError(`"${o.type}" is not a valid value for --type`);
  const client = await ctx.client();
  const found: any[] = [];
  const errors: string[] = [];
  for (const name of names) {
    const obj = await inspectOne(client, name, o.type, Boolean(o.size));
    if (obj === undefined) {
      const what = o.type === 'container' ? 'container' : o.type === 'image' ? 'image' : 'object';
      errors.push(`Error: No such ${what}: ${name}`);
    } else found.push(obj);
  }
  if (o.format) {
    const { text } = preFormat(o.format);
    const tmpl = compile(text);
    for (const obj of found) ctx.out(tmpl.execute(obj) + '\n');
  } else {
    ctx.out(JSON.stringify(found, null, 4) + '\n');
  }
  if (errors.length) {
    for (const e of errors) ctx.err(e + '\n');
    throw new ExitError(1);
  }
}

async function inspectOne(client: EngineClient, name: string, type: string | undefined, size: boolean): Promise<any> {
  const tryGet = async (path: string, query?: Record<string, boolean | undefined>) => {
    try {
      return await client.json('GET', path, { query });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  };
  if (type !== 'image') {
    const c = await tryGet(`/containers/${enc(name)}/json`, { size: size || undefined });
    if (c !== undefined || type === 'container') return c;
  }
  return tryGet(`/images/${enc(name)}/json`);
}
