// Bundles the CLI into one file: Node then loads one module instead of ~30,
// which is most of the CLI's start-up time (the daemon stays unbundled and is
// imported from dist/daemon only by `berth serve`).
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
