/**
 * Fast start of the bundled CLI (bin/berth runs this): compiles dist/cli/berth.cjs with a V8 code
 * cache kept next to it, so a CLI run skips most of parsing and compiling the ~0.5 MB bundle
 * (about a third of the CLI's own CPU time). The cache is (re)written when it is missing or V8
 * rejects it (another Node, other V8 flags, a rebuilt bundle), and once more after the first
 * successful run of each command (berth.cjs.cache.commands lists those); writes are atomic, so
 * concurrent CLIs never read a torn cache. Behaviour is the bundle's own: this only changes how it is compiled.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { GLOBAL_WITH_VALUE } from './global-options.js';
import { installErrorOf } from '../common/install-check.js';

type ModuleWrapper = (exports: object, req: NodeJS.Require, mod: object, filename: string, dirname: string) => void;


/** The command words of argv ("run", "image ls"): what the cache remembers having compiled. */
export function commandKey(argv: string[]): string {
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const a = argv[i];
    if (GLOBAL_WITH_VALUE.has(a)) { i++; continue; }
    if (a.startsWith('-')) { if (words.length > 0) break; continue; }
    words.push(a);
    if (!['container', 'image', 'system', 'network', 'volume', 'builder', 'buildx', 'registry', 'compose'].includes(a)) break;
  }
  return words.join(' ') || '-';
}

/** A build that is missing or broken (berth.cjs absent, a package not installed) is one line and exit 1. */
function failInstall(e: unknown): never {
  const install = installErrorOf(e, join(__dirname, '..', '..'));
  if (install) process.stderr.write(`berth: ${install.message}\n`);
  else process.stderr.write(`berth: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
}

function readBundle(bundle: string): string {
  try { return readFileSync(bundle, 'utf8'); } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    // as Node's own error for a module that is not there, so that it is named the same way
    failInstall(Object.assign(new Error(`Cannot find module '${bundle}'`), { code: 'MODULE_NOT_FOUND' }));
  }
}

function runWithCodeCache(bundle: string): void {
  const cachePath = `${bundle}.cache`;
  let cachedData: Buffer | undefined;
  try { cachedData = readFileSync(cachePath); } catch { /* first run: no cache yet */ }
  const script = new Script(Module.wrap(readBundle(bundle)), { filename: bundle, cachedData });
  // The cache grows by command: the first successful run of each command rewrites it at exit, so the
  // functions that command compiled lazily (most of its own code) are in the cache from then on.
  const listPath = `${cachePath}.commands`;
  const command = commandKey(process.argv.slice(2));
  let known: string[] = [];
  try { known = readFileSync(listPath, 'utf8').split('\n').filter(Boolean); } catch { /* none yet */ }
  const fresh = !cachedData || script.cachedDataRejected;
  if (fresh || !known.includes(command)) {
    process.once('exit', (code) => {
      if (!fresh && code !== 0) return;
      try {
        const tmp = `${cachePath}.${process.pid}`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cachePath);
        const list = `${listPath}.${process.pid}`;
        writeFileSync(list, [...(fresh ? [] : known), ...(code === 0 ? [command] : [])].join('\n') + '\n');
        renameSync(list, listPath);
      } catch { /* a read-only install: run without a cache */ }
    });
  }
  process.argv[1] = bundle; // the bundle runs main() when it is the entry module
  const mod = { exports: {}, filename: bundle, id: bundle };
  (script.runInThisContext() as ModuleWrapper).call(mod.exports, mod.exports, require, mod, bundle, __dirname);
}

if (process.argv.slice(2).includes('serve')) {
  // the daemon is ES modules, which code compiled by vm.Script cannot import(): the ESM bundle can
  process.argv[1] = join(__dirname, 'berth.mjs');
  import('./berth.mjs').catch(failInstall);
} else {
  runWithCodeCache(join(__dirname, 'berth.cjs'));
}
