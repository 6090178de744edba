/**
 * The entry of `berth serve` (bin/berth runs it for a command line that names `serve`). The daemon
 * came in through the CLI's bundle (dist/cli/berth.cjs) before: 1.1 MB of client code parsed, its
 * top level run and kept for the daemon's whole life (~13 MB RSS, ~3 MB heap; docs/performance.md#memory).
 * Here only the global options are skipped, as the CLI's preScan does (src/cli/main.ts), and
 * anything that is not `serve` after all (`berth run --name serve ...`, an old Node) goes on to
 * the CLI unchanged.
 */
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { GLOBAL_FLAGS, GLOBAL_WITH_VALUE } from '../common/global-options.js';

/** The arguments for serve.ts's main (globals other than -D/--debug, then serve's own), or undefined when the command is not `serve`. */
export function serveArgsOf(argv: string[]): string[] | undefined {
  const globals: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const a = argv[i]!;
    const name = a.includes('=') && a.startsWith('--') ? a.slice(0, a.indexOf('=')) : a;
    if (GLOBAL_WITH_VALUE.has(name)) {
      globals.push(a);
      if (name === a) { if (i + 1 < argv.length) globals.push(argv[i + 1]!); i += 2; } else i++;
      continue;
    }
    if (GLOBAL_FLAGS.has(a)) { globals.push(a); i++; continue; }
    break;
  }
  if (argv[i] !== 'serve') return undefined;
  return [...globals.filter((g) => g !== '-D' && g !== '--debug'), ...argv.slice(i + 1)];
}

const repo = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

/** Flush stdout/stderr before exiting (pipes may still hold data), as the CLI does. */
function exit(code: number): void {
  let pending = 2;
  const done = () => { if (--pending === 0) process.exit(code); };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

async function run(serveArgs: string[]): Promise<void> {
  try {
    const { main } = await import('./serve.js');
    const code = await main(serveArgs);
    exit(typeof code === 'number' ? code : 0);
  } catch (e) {
    // a broken install (node_modules, native modules, dist/) is one line naming the piece and the fix
    const { installErrorOf } = await import('../common/install-check.js');
    const install = installErrorOf(e, repo);
    if (install) { process.stderr.write(`berth: ${install.message}\n`); exit(install.exitCode); return; }
    process.stderr.write(`berth: ${(e as Error)?.stack ?? String(e)}\n`);
    exit(1);
  }
}

function isEntryModule(): boolean {
  if (!process.argv[1]) return false;
  try { return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url)); } catch { return false; }
}

if (isEntryModule()) {
  const serveArgs = parseInt(process.versions.node, 10) >= 24 ? serveArgsOf(process.argv.slice(2)) : undefined;
  if (serveArgs) void run(serveArgs);
  else createRequire(import.meta.url)('../cli/start.cjs'); // the CLI (it checks Node's version too)
}
