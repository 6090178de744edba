/**
 * run, create, start and attach: Docker's client-side sequence
 * (create, pull on "No such image", attach before start, wait registered before start, start,
 * pump stdio, exit with the container's status).
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { BerthError, UsageError } from '../../common/errors.js';
import { DaemonError, readBody, type EngineClient } from '../../client/engine-client.js';
import { ExitError, forEachTarget, formatError, type CliContext } from '../context.js';
import { isNoSuchImage, startErrorExitCode } from '../daemon-errors.js';
import { addContainerOptions, buildCreateRequest, type CreateRequest } from '../container-config.js';
import { DEFAULT_DETACH_KEYS, pumpConnection } from '../../client/streams.js';
import { authFor, ProgressPrinter } from './registry.js';

/** Errors before the container runs: exit 125 (126/127 when the command cannot be run). */
class RunError extends BerthError {
  constructor(message: string, exitCode = 125) { super(message, { code: 'ERR_RUN', exitCode }); }
}

/** "busybox" -> "busybox:latest" (Docker's TagNameOnly for the "Unable to find" line). */
export function tagged(image: string): string {
  if (image.includes('@')) return image;
  const slash = image.lastIndexOf('/');
  return image.slice(slash + 1).includes(':') ? image : `${image}:latest`;
}

/** Split a reference into fromImage and tag (or digest) for POST /images/create. */
export function splitReference(ref: string): { name: string; tag: string } {
  const at = ref.indexOf('@');
  if (at >= 0) return { name: ref.slice(0, at), tag: ref.slice(at + 1) };
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) return { name: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { name: ref, tag: 'latest' };
}

/**
 * POST /images/create?fromImage=... for run/create: progress goes to `out` (stderr, as the docker CLI
 * writes it), drawn as per-layer bars when that stream is a terminal and as plain lines otherwise
 * (the ProgressPrinter of `pull`); an error message in the stream throws.
 */
export async function pullImage(client: EngineClient, ref: string, out: (s: string) => void, quiet = false,
  term: { isTTY?: boolean; columns?: number } = process.stderr): Promise<void> {
  const { name, tag } = splitReference(ref);
  const res = await client.request('POST', '/images/create', { query: { fromImage: name, tag }, headers: authFor(name) });
  await new ProgressPrinter(out, quiet, Boolean(term.isTTY), term.columns || 0).consume(res);
}

async function createContainer(ctx: CliContext, client: EngineClient, o: any, image: string, req: CreateRequest): Promise<{ id: string; body: any }> {
  const create = () => client.json<{ Id: string; Warnings?: string[] | null }>('POST', '/containers/create', { query: { name: req.name }, body: req.body });
  if (o.pull === 'always') await pullImage(client, tagged(image), (s) => ctx.err(s), o.quiet);
  let res;
  try {
    res = await create();
  } catch (e) {
    if (!isNoSuchImage(e) || o.pull === 'never') throw e;
    ctx.err(`Unable to find image '${tagged(image)}' locally\n`);
    await pullImage(client, tagged(image), (s) => ctx.err(s), o.quiet);
    res = await create();
  }
  for (const w of res.Warnings ?? []) ctx.err(`WARNING: ${w}\n`);
  if (o.cidfile) writeFileSync(o.cidfile, res.Id);
  return { id: res.Id, body: req.body };
}

interface AttachPlan { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean; detachKeys: string }

async function openAttach(client: EngineClient, id: string, plan: AttachPlan) {
  return client.hijack('POST', `/containers/${encodeURIComponent(id)}/attach`, {
    query: { stream: true, stdin: plan.stdin, stdout: plan.stdout, stderr: plan.stderr, detachKeys: plan.detachKeys },
  });
}

/**
 * Register the wait before start so a fast exit is not missed. The daemon answers the headers as
 * soon as the waiter is registered (as dockerd does); we give it a moment, then go on regardless.
 */
function registerWait(client: EngineClient, id: string, condition: 'next-exit' | 'removed' | 'not-running') {
  const response = client.request('POST', `/containers/${encodeURIComponent(id)}/wait`, { query: { condition } });
  const result = response.then(async (res) => {
    const body = JSON.parse((await readBody(res)).toString('utf8') || '{}');
    if (body.Error?.Message) throw new DaemonError(500, body.Error.Message);
    return Number(body.StatusCode ?? 0);
  });
  result.catch(() => {});
  // the daemon sends the headers as soon as the wait is armed: that, not the exit, is what start waits for
  const registered = Promise.race([response.then(() => undefined, () => undefined), new Promise<void>((r) => setTimeout(r, 300).unref())]);
  return { result, registered };
}

/** Forward our signals to the container (sig-proxy), as Docker does for non-TTY runs. */
function proxySignals(client: EngineClient, id: string): () => void {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];
  const handlers = signals.map((sig) => {
    const h = () => { client.call('POST', `/containers/${encodeURIComponent(id)}/kill`, { query: { signal: sig } }).catch(() => {}); };
    process.on(sig, h);
    return [sig, h] as const;
  });
  return () => { for (const [sig, h] of handlers) process.off(sig, h); };
}

/** Attach (if any stream), start, pump, and return the container's exit status. */
async function attachStartWait(client: EngineClient, id: string, opts: {
  plan: AttachPlan; autoRemove: boolean; sigProxy: boolean; start: boolean;
}): Promise<number> {
  const { plan } = opts;
  const attached = plan.stdin || plan.stdout || plan.stderr;
  // attach and wait are independent requests: open both at once (one round trip less before start)
  const attaching = attached ? openAttach(client, id, plan) : null;
  const wait = registerWait(client, id, opts.autoRemove ? 'removed' : 'next-exit');
  const conn = attaching ? await attaching : null;
  await wait.registered;
  const stopProxy = !plan.tty && opts.sigProxy ? proxySignals(client, id) : () => {};
  try {
    const pump = conn ? pumpConnection(conn, {
      tty: plan.tty, stdin: plan.stdin, detachKeys: plan.detachKeys,
      resize: (h, w) => client.call('POST', `/containers/${encodeURIComponent(id)}/resize`, { query: { h, w } }).then(() => undefined),
    }) : null;
    if (opts.start) {
      try {
        await client.call('POST', `/containers/${encodeURIComponent(id)}/start`);
      } catch (e) {
        conn?.socket.destroy();
        throw new RunError(formatError(e), startErrorExitCode(e));
      }
    }
    if (pump) {
      const r = await pump;
      if (r.detached) return 0;
      if (r.systemError) throw new RunError(r.systemError.trim());
    }
    try {
      return await wait.result;
    } catch (e) {
      throw new RunError(formatError(e));
    }
  } finally {
    stopProxy();
  }
}

function runErrorWrap(cmdName: string) {
  return (e: unknown): never => {
    if (e instanceof RunError || e instanceof ExitError) throw e;
    // the CLI's own refusals keep their report; the daemon's (whatever their code) are run errors
    const local = e instanceof BerthError && !(e instanceof DaemonError);
    if (local && (e.code === 'ERR_USAGE' || e.code === 'ERR_NOT_SUPPORTED')) throw e;
    throw new RunError(`${formatError(e)}\n\nRun 'berth ${cmdName} --help' for more information`);
  };
}

/**
 * `run` and `create` are defined one parent at a time (the top level or `container`): each adds ~100
 * container options, which a command that is not itself (`start -a`, `container run`) does not need.
 */
export function registerRunCommand(parent: Command, ctx: CliContext): void {
  addContainerOptions(
    parent.command('run').usage('[OPTIONS] IMAGE [COMMAND] [ARG...]').description('Create and run a new container from an image')
      .argument('<image>').argument('[command...]').passThroughOptions(), { run: true })
    .action(async (image: string, args: string[], o: any) => {
      try {
        // flags are validated before the daemon is contacted, as Docker does
        const req = buildCreateRequest(o, image, args, { run: true });
        const client = await ctx.client();
        const { id } = await createContainer(ctx, client, o, image, req);
        if (o.detach) {
          try {
            await client.call('POST', `/containers/${encodeURIComponent(id)}/start`);
          } catch (e) {
            throw new RunError(formatError(e), startErrorExitCode(e));
          }
          ctx.out(`${id}\n`);
          return;
        }
        const attach: string[] = (o.attach ?? []).map((s: string) => s.toLowerCase());
        const plan: AttachPlan = {
          stdin: Boolean(o.interactive) || attach.includes('stdin'),
          stdout: attach.length ? attach.includes('stdout') : true,
          stderr: attach.length ? attach.includes('stderr') : true,
          tty: Boolean(o.tty),
          detachKeys: o.detachKeys ?? DEFAULT_DETACH_KEYS,
        };
        if (plan.tty && plan.stdin && !process.stdin.isTTY) throw new RunError('the input device is not a TTY');
        const code = await attachStartWait(client, id, { plan, autoRemove: Boolean(o.rm), sigProxy: o.sigProxy !== false, start: true });
        if (code !== 0) throw new ExitError(code);
      } catch (e) {
        runErrorWrap('run')(e);
      }
    });
}

export function registerCreateCommand(parent: Command, ctx: CliContext): void {
  addContainerOptions(
    parent.command('create').usage('[OPTIONS] IMAGE [COMMAND] [ARG...]').description('Create a new container')
      .argument('<image>').argument('[command...]').passThroughOptions(), { run: false })
    .action(async (image: string, args: string[], o: any) => {
      try {
        const req = buildCreateRequest(o, image, args, { run: false });
        const client = await ctx.client();
        const { id } = await createContainer(ctx, client, o, image, req);
        ctx.out(`${id}\n`);
      } catch (e) {
        runErrorWrap('create')(e);
      }
    });
}

export function registerStartCommands(program: Command, ctx: CliContext, containerGroup: Command): void {
  const defineStart = (parent: Command) => parent.command('start').usage('[OPTIONS] CONTAINER [CONTAINER...]').description('Start one or more stopped containers')
    .argument('<containers...>')
    .option('-a, --attach', "Attach STDOUT/STDERR and forward signals")
    .option('-i, --interactive', "Attach container's STDIN")
    .option('--detach-keys <keys>', 'Override the key sequence for detaching a container')
    .action(async (containers: string[], o: any) => {
      const client = await ctx.client();
      if (o.attach || o.interactive) {
        if (containers.length > 1) throw new UsageError('you cannot start and attach multiple containers at once');
        const info = await client.json('GET', `/containers/${encodeURIComponent(containers[0])}/json`);
        const plan: AttachPlan = {
          stdin: Boolean(o.interactive) && Boolean(info.Config?.OpenStdin),
          stdout: Boolean(o.attach), stderr: Boolean(o.attach), tty: Boolean(info.Config?.Tty),
          detachKeys: o.detachKeys ?? DEFAULT_DETACH_KEYS,
        };
        const code = await attachStartWait(client, info.Id, { plan, autoRemove: Boolean(info.HostConfig?.AutoRemove), sigProxy: !plan.tty, start: true });
        if (code !== 0) throw new ExitError(code);
        return;
      }
      await forEachTarget(containers, async (c) => {
        await client.call('POST', `/containers/${encodeURIComponent(c)}/start`);
        ctx.out(`${c}\n`);
      });
    });
  defineStart(program);
  defineStart(containerGroup);

  const defineAttach = (parent: Command) => parent.command('attach').usage('[OPTIONS] CONTAINER').description('Attach local standard input, output, and error streams to a running container')
    .argument('<container>')
    .option('--no-stdin', 'Do not attach STDIN')
    .option('--sig-proxy', 'Proxy all received signals to the process', true)
    .option('--detach-keys <keys>', 'Override the key sequence for detaching a container')
    .action(async (container: string, o: any) => {
      const client = await ctx.client();
      const info = await client.json('GET', `/containers/${encodeURIComponent(container)}/json`);
      if (!info.State?.Running) throw new UsageError('You cannot attach to a stopped container, start it first');
      if (info.State?.Paused) throw new UsageError('You cannot attach to a paused container, unpause it first');
      const tty = Boolean(info.Config?.Tty);
      const stdin = o.stdin !== false && Boolean(info.Config?.OpenStdin);
      if (tty && stdin && !process.stdin.isTTY) throw new UsageError('the input device is not a TTY');
      const conn = await openAttach(client, info.Id, { stdin, stdout: true, stderr: true, tty, detachKeys: o.detachKeys ?? DEFAULT_DETACH_KEYS });
      const stopProxy = !tty && o.sigProxy !== false ? proxySignals(client, info.Id) : () => {};
      try {
        const r = await pumpConnection(conn, {
          tty, stdin, detachKeys: o.detachKeys ?? DEFAULT_DETACH_KEYS,
          resize: (h, w) => client.call('POST', `/containers/${encodeURIComponent(info.Id)}/resize`, { query: { h, w } }).then(() => undefined),
        });
        if (r.detached) return;
        if (r.systemError) throw new Error(r.systemError.trim());
      } finally {
        stopProxy();
      }
      const waited = await client.json('POST', `/containers/${encodeURIComponent(info.Id)}/wait`, { query: { condition: 'not-running' } });
      const code = Number(waited?.StatusCode ?? 0);
      if (code !== 0) throw new ExitError(code);
    });
  defineAttach(program);
  defineAttach(containerGroup);
}
