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
import { constants as vmConstants, Script } from 'node:vm';

const bundle = join(__dirname, 'berth.cjs');
const cachePath = `${bundle}.cache`;

let cachedData: Buffer | undefined;
try { cachedData = readFileSync(cachePath); } catch { /* first run: no cache yet */ }

const script = new Script(Module.wrap(readFileSync(bundle, 'utf8')), {
  filename: bundle,
  cachedData,
  // `import()` in the bundle (the daemon's module, for `berth serve`) resolves as in any module of dist/cli
  importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
} as ConstructorParameters<typeof Script>[1]);

if (!cachedData || script.cachedDataRejected) {
  // after the run, so that the functions this command compiled lazily are in the cache too
  process.once('exit', () => {
    try {
      const tmp = `${cachePath}.${process.pid}`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cachePath);
    } catch { /* a read-only install: run without a cache */ }
  });
}

// the bundle runs main() when it is the entry module (argv[1])
process.argv[1] = bundle;
const wrapper = script.runInThisContext() as (exports: object, req: NodeJS.Require, mod: object, filename: string, dirname: string) => void;
const mod = { exports: {}, filename: bundle, id: bundle };
wrapper.call(mod.exports, mod.exports, require, mod, bundle, __dirname);
