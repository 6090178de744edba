/**
 * Fast start of the bundled CLI (bin/berth runs this): compiles dist/cli/berth.cjs with a V8 code
 * cache kept next to it, so a CLI run skips most of parsing and compiling the ~0.5 MB bundle
 * (about a third of the CLI's own CPU time). The cache is (re)written when it is missing or V8
 * rejects it (another Node, other V8 flags, a rebuilt bundle); writes are atomic, so concurrent
 * CLIs never read a torn cache. Behaviour is the bundle's own: this only changes how it is compiled.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';

type ModuleWrapper = (exports: object, req: NodeJS.Require, mod: object, filename: string, dirname: string) => void;

function runWithCodeCache(bundle: string): void {
  const cachePath = `${bundle}.cache`;
  let cachedData: Buffer | undefined;
  try { cachedData = readFileSync(cachePath); } catch { /* first run: no cache yet */ }
  const script = new Script(Module.wrap(readFileSync(bundle, 'utf8')), { filename: bundle, cachedData });
  if (!cachedData || script.cachedDataRejected) {
    // at exit, so that the functions this command compiled lazily are in the cache too
    process.once('exit', () => {
      try {
        const tmp = `${cachePath}.${process.pid}`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cachePath);
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
  import('./berth.mjs').catch((e: Error) => { process.stderr.write(`berth: ${e.stack ?? e}\n`); process.exit(1); });
} else {
  runWithCodeCache(join(__dirname, 'berth.cjs'));
}
