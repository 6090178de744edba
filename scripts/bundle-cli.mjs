// Bundles the CLI into one CommonJS file: Node then loads one module instead of ~30, which is most
// of the CLI's start-up time. dist/cli/start.cjs runs it with Node's compile cache; `serve` imports
// the daemon's ES modules from dist/daemon (import() from CommonJS), so they stay unbundled; so does
// `compose`, from dist/compose.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// compose's schema validator, precompiled (see the script)
await import('./compose-spec-validator.mjs');

rmSync('dist/cli/berth.mjs', { force: true });
await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli/berth.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node24',
  external: ['node-unix-socket-linux-x64-gnu', '../daemon/serve.js', '../compose/main.js'],
  // import.meta.url becomes the bundle's own file URL
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
  target: 'node24',
  logLevel: 'warning',
});

// Warm the compile cache with one run of `--help`, which compiles what every command needs.
rmSync('dist/cli/.compile-cache', { recursive: true, force: true });
const warm = spawnSync(process.execPath, ['dist/cli/start.cjs', '--help'], { stdio: 'ignore', env: { ...process.env, NODE_OPTIONS: '' } });
if (warm.status !== 0) console.warn(`bundle-cli: warming the compile cache failed (status ${warm.status}); the first CLI run writes it`);
