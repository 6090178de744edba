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
  chunkNames: 'chunk-[hash]',
  assetNames: '[name]-[hash]',
  bundle: true,
  format: 'esm',
  // the terminal and the charts load on first use (web/src/components/lazy.tsx)
  splitting: true,
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
// the page names its entry, that entry's stylesheet, and the chunks it imports statically (preloaded, so
// they come in parallel rather than one after the other); the lazily loaded chunks are left to the entry
const ENTRY = 'web/src/main.tsx';
const [entryFile, entry] = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint === ENTRY);
const js = [basename(entryFile)];
const preload = entry.imports.filter((i) => i.kind === 'import-statement').map((i) => basename(i.path));
const css = entry.cssBundle ? [basename(entry.cssBundle)] : [];
const html = readFileSync('web/index.html', 'utf8')
  .replace('<!-- styles -->', css.map((f) => `<link rel="stylesheet" href="/assets/${f}">`).join('\n'))
  .replace('<!-- scripts -->', [...preload.map((f) => `<link rel="modulepreload" href="/assets/${f}">`), ...js.map((f) => `<script type="module" src="/assets/${f}"></script>`)].join('\n'));
writeFileSync(join(OUT, 'index.html'), html);

// the budget: the whole page under 500 KB gzipped
let gz = 0;
for (const f of outputs) gz += gzipSync(readFileSync(f)).length;
if (gz > LIMIT_GZ) { console.error(`dist/ui is ${gz} bytes gzipped, over the ${LIMIT_GZ} budget`); process.exit(1); }
writeFileSync(join(OUT, 'manifest.json'), JSON.stringify({ scripts: js, preload, styles: css, gzipBytes: gz }, null, 2) + '\n');
