/**
 * What the orchestrating commands (up, down, create, start, stop, restart, kill, rm, pause, unpause,
 * logs) share: the operations' context (engine, progress writer by --progress/--ansi, warnings), the
 * project (from the files, or from the engine's labels for `-p name` without `-f`, as compose v2's
 * projectOrName), the log printer, and the image tools (pull, build).
 */
import { Option } from 'commander';
import { BerthError } from '../../common/errors.js';
import type { ComposeContext } from '../context.js';
import type { Project } from '../model.js';
import { LogPrinter } from '../output/log-printer.js';
import { warnLine } from '../output/progress.js';
import { commandProgress } from '../ops/progress.js';
import { projectOrName as projectRef } from '../ops/project-ref.js';
import { projectFromEngine } from '../ops/engine-project.js';
import { withServicesEnabled } from '../ops/service-selection.js';
import type { ImageTools } from '../ops/converge.js';
import type { OpsContext } from '../ops/ops-context.js';

type Stream = NodeJS.WritableStream & { isTTY?: boolean };

export async function opsContext(c: ComposeContext, title: string): Promise<OpsContext> {
  return {
    client: await c.client(),
    progress: commandProgress(c, title),
    warn: (msg) => warnLine(c.io.stderr, msg),
    parallel: c.options.parallel,
  };
}

/** Run an operation under a progress writer that is stopped (final drawing) whatever happens. */
export async function withProgress<T>(oc: OpsContext, fn: (oc: OpsContext) => Promise<T>): Promise<T> {
  try {
    return await fn(oc);
  } finally {
    oc.progress.stop();
  }
}

/**
 * The project a command works on: the files' project (with the named services enabled, unknown ones an
 * error); with `-p` and no `-f`, what the engine holds under that name; when the files cannot be loaded
 * but COMPOSE_PROJECT_NAME is set, that project (compose v2's projectOrName).
 */
export async function projectOrName(c: ComposeContext, services: string[] = []): Promise<Project> {
  const { project, name } = await projectRef(c);
  return project ? withServicesEnabled(project, services) : projectFromEngine(await c.client(), name);
}

/** Whether the project came from the files (then service names are checked against them). */
export function fromFiles(c: ComposeContext): boolean {
  return c.options.files.length > 0 || !c.options.projectName;
}

export function useColor(c: ComposeContext, noColor?: boolean): boolean {
  if (noColor) return false;
  if (c.options.ansi === 'always') return true;
  if (c.options.ansi === 'never') return false;
  return Boolean((c.io.stdout as Stream).isTTY);
}

export function logPrinter(c: ComposeContext, o: { noColor?: boolean; noLogPrefix?: boolean; timestamps?: boolean }): LogPrinter {
  return new LogPrinter(c.io.stdout, c.io.stderr, {
    color: useColor(c, o.noColor),
    prefix: !o.noLogPrefix,
    timestamps: Boolean(o.timestamps),
    tty: Boolean((c.io.stdout as Stream).isTTY),
  });
}

/**
 * How up, create and run get images: pulls with the docker config's credentials (ops/pull.ts), builds with
 * compose build's code (ops/build.ts), both loaded only when an image is missing (a no-op `up` does not pay
 * for the build context's packing code).
 */
export function imageTools(oc: OpsContext, c: ComposeContext, build: { quiet?: boolean } = {}): ImageTools {
  return {
    pull: async (project, services) => {
      const { composePuller } = await import('../ops/pull.js');
      await composePuller(oc.client, oc.progress)(project, services);
    },
    build: async (project, services) => {
      const { buildServices } = await import('../ops/build.js');
      await buildServices(c, project, services, { progress: oc.progress, quiet: build.quiet });
    },
  };
}

/** An integer option (commander hands strings). */
export function intOption(name: string) {
  return (v: string): number => {
    if (!/^[+-]?\d+$/.test(v.trim())) throw new Error(`invalid argument "${v}" for "${name}" flag: strconv.ParseInt: parsing "${v}": invalid syntax`);
    return Number(v);
  };
}

export function collect(value: string, previous: string[] = []): string[] { return [...previous, value]; }

/** compose's Pipe/terminal prompt: the question, then one word from stdin; y/yes/true/1 is yes. */
export function confirm(c: ComposeContext, message: string): Promise<boolean> {
  const tty = Boolean((c.io.stdin as NodeJS.ReadStream).isTTY);
  c.out(tty ? `? ${message} (y/N) ` : message);
  return new Promise((resolve) => {
    let buf = '';
    const stdin = c.io.stdin;
    const finish = () => {
      stdin.off('data', onData);
      stdin.off('end', finish);
      stdin.pause?.();
      if (tty) c.out('\n');
      resolve(/^(y|yes|true|1)$/i.test(buf.trim().split(/\s+/)[0] ?? ''));
    };
    const onData = (d: Buffer | string) => { buf += d.toString(); if (buf.includes('\n')) finish(); };
    stdin.on('data', onData);
    stdin.once('end', finish);
    stdin.resume?.();
  });
}

/**
 * A `--no-x` flag kept as its own boolean `noX` (compose's flags are plain booleans): commander would
 * otherwise fold it into `x`, so `--build --no-build` could not be told apart from `--no-build`.
 */
export function literalNoOption(flags: string, description: string): Option {
  const opt = new Option(flags, description);
  opt.negate = false;
  const attr = opt.name().replace(/-([a-z])/g, (_m, ch: string) => ch.toUpperCase());
  opt.attributeName = () => attr;
  return opt;
}

/** A wrong combination of flags: compose v2 prints the message and exits 1 (not the docker CLI's 125). */
export function usageError(message: string): BerthError {
  return new BerthError(message, { code: 'ERR_USAGE', status: 400, exitCode: 1 });
}

/** An option compose v2 has and berth compose does not: said so, exit 1. */
export function notSupported(message: string): BerthError {
  return new BerthError(message, { code: 'ERR_NOT_SUPPORTED', status: 501, exitCode: 1 });
}
