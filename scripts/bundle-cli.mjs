// Bundles the CLI into one file: Node then loads one module instead of ~30,
// which is most of the CLI's start-up time (the daemon stays unbundled and is
// imported from dist/daemon only by `berth serve`).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli/berth.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3', 'node-unix-socket', '../daemon/serve.js'],
  banner: { js: "import { createRequire as __berthRequire } from 'node:module'; const require = __berthRequire(import.meta.url);" },
  logLevel: 'warning',
});

// The same bundle as CommonJS, which bin/berth runs through dist/cli/start.cjs with a V8 code cache
// (Node 20 has no code cache for ES modules). import.meta.url becomes the bundle's own file URL;
// import() becomes require() (code compiled by vm.Script cannot import()), so `serve`, whose daemon
// is ES modules, is run from berth.mjs by start.cjs.
await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli/berth.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  supported: { 'dynamic-import': false },
  external: ['better-sqlite3', 'node-unix-socket', '../daemon/serve.js'],
  define: { 'import.meta.url': '__berthModuleUrl' },
  banner: { js: "const __berthModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});
await build({
  entryPoints: ['src/cli/start.cts'],
  outfile: 'dist/cli/start.cjs',
  bundle: true, // global-options.ts goes in with it (dist/ holds ES modules, which require() cannot load)
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
});

// A fresh code cache from one run of `--help`, which compiles what every command needs (the program
// with all commands and options); a later command adds nothing, its own functions compile lazily.
rmSync('dist/cli/berth.cjs.cache', { force: true });
rmSync('dist/cli/berth.cjs.cache.commands', { force: true });
const warm = spawnSync(process.execPath, ['dist/cli/start.cjs', '--help'], { stdio: 'ignore', env: { ...process.env, NODE_OPTIONS: '' } });
if (warm.status !== 0) console.warn(`bundle-cli: warming the code cache failed (status ${warm.status}); the first CLI run writes it`);
