// Bundles the dashboard's browser code (web/) into dist/ui: index.html and hashed assets under
// dist/ui/assets, ES modules only and no inline script or style (the server's CSP allows only its own
// origin). web/ is typechecked first with its own tsconfig (the DOM lib), since esbuild only strips types.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const OUT = 'dist/ui';
const LIMIT_GZ = 500 * 1024;

const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'web/tsconfig.json'], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

// dist/ui also holds the dashboard server's compiled modules (tsc's src/ui): replace only the page's files
rmSync(join(OUT, 'assets'), { recursive: true, force: true });
rmSync(join(OUT, 'index.html'), { force: true });
mkdirSync(join(OUT, 'assets'), { recursive: true });
const result = await build({
  entryPoints: ['web/src/main.tsx'],
  outdir: join(OUT, 'assets'),
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  bundle: true,
  format: 'esm',
  splitting: false,
  minify: true,
  sourcemap: false,
  target: ['chrome110', 'firefox115', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  loader: { '.woff': 'file', '.woff2': 'file', '.svg': 'file' },
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
});
const outputs = Object.keys(result.metafile.outputs);
const js = outputs.filter((f) => f.endsWith('.js')).map((f) => basename(f));
const css = outputs.filter((f) => f.endsWith('.css')).map((f) => basename(f));
const html = readFileSync('web/index.html', 'utf8')
  .replace('<!-- styles -->', css.map((f) => `<link rel="stylesheet" href="/assets/${f}">`).join('\n'))
  .replace('<!-- scripts -->', js.map((f) => `<script type="module" src="/assets/${f}"></script>`).join('\n'));
writeFileSync(join(OUT, 'index.html'), html);

// the budget: the whole page under 500 KB gzipped
let gz = 0;
for (const f of outputs) gz += gzipSync(readFileSync(f)).length;
if (gz > LIMIT_GZ) { console.error(`dist/ui is ${gz} bytes gzipped, over the ${LIMIT_GZ} budget`); process.exit(1); }
writeFileSync(join(OUT, 'manifest.json'), JSON.stringify({ scripts: js, styles: css, gzipBytes: gz }, null, 2) + '\n');
