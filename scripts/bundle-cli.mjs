// Bundles the CLI into one CommonJS file: Node then loads one module instead of ~30, which is most
// of the CLI's start-up time. dist/cli/start.cjs runs it with Node's compile cache; `serve` imports
// the daemon's ES modules from dist/daemon (import() from CommonJS), so they stay unbundled. compose
// has a bundle of its own (dist/compose/compose.cjs), loaded by URL.
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { build } from 'esbuild';
import { lazyBuiltins } from './lazy-builtins.mjs';

// compose's schema validator, precompiled (see the script)
await import('./compose-spec-validator.mjs');

rmSync('dist/cli/berth.mjs', { force: true });
// the CRI's pinned proto (and its PROVENANCE.md) is read at run time from next to dist/cri/proto-load.js
cpSync('src/cri/proto', 'dist/cri/proto', { recursive: true });
await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli/berth.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node24',
  external: ['node-unix-socket-linux-x64-gnu', '../daemon/serve.js', '../sbom/cli-entry.js', '../scan/cli-entry.js', '../sign/cli-entry.js', '../kube/cli-entry.js'],
  // import.meta.url becomes the bundle's own file URL
  define: { 'import.meta.url': '__berthModuleUrl' },
  banner: { js: "const __berthModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  // built-ins load on first use (scripts/lazy-builtins.mjs): most commands need few of them
  plugins: [lazyBuiltins()],
  // without indentation and line breaks the bundle is 0.8 MB instead of 1.15: every run reads it as UTF-8
  // and Node hashes it to find its compile cache entry (docs/performance.md "cli": ~5 ms CPU of each run).
  // Whitespace only: names and syntax stay as written, so error names and messages are unchanged.
  minifyWhitespace: true,
  logLevel: 'warning',
});
// compose as one CommonJS file too (yaml, commander and ~80 modules of its own: a third of a second of
// loading each run, unbundled); the CLI loads it only for `berth compose` and the docker CLI plugin
await build({
  entryPoints: ['src/compose/main.ts'],
  outfile: 'dist/compose/compose.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node24',
  external: ['ajv', 'ajv/*', 'koffi'],
  define: { 'import.meta.url': '__berthModuleUrl' },
  banner: { js: "const __berthModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});
await build({
  entryPoints: ['src/cli/start.cts'],
  outfile: 'dist/cli/start.cjs',
  bundle: true, // what it imports goes in with it (dist/ holds ES modules, which require() cannot load)
  platform: 'node',
  format: 'cjs',
  target: 'node24',
  logLevel: 'warning',
});

// Warm the compile cache with one run of `--help`, which compiles what every command needs.
rmSync('dist/cli/.compile-cache', { recursive: true, force: true });
const warm = spawnSync(process.execPath, ['dist/cli/start.cjs', '--help'], { stdio: 'ignore', env: { ...process.env, NODE_OPTIONS: '' } });
if (warm.status !== 0) console.warn(`bundle-cli: warming the compile cache failed (status ${warm.status}); the first CLI run writes it`);
