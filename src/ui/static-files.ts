/**
 * The page and its bundle from dist/ui (web/, built by esbuild): index.html and files under assets/ only,
 * never the server's own modules that tsc also writes to dist/ui. Hashed assets (esbuild's
 * `name-HASH.ext`) are cached for good; index.html and unhashed files are revalidated every time.
 * Files are read once and kept with their gzip form (the bundle is small and does not change while the
 * daemon runs, but a rebuild is picked up by its mtime).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.svg', '.txt', '.wasm']);
/** esbuild's default asset names: `[name]-[hash]` with an 8-character base32 hash */
const HASHED = /-[A-Z0-9]{8,}\.[a-z0-9]+$/i;

/** dist/ui next to this module once built; from src/ui (tests under tsx) the built one in the tree. */
export function defaultUiDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return basename(dirname(here)) === 'src' ? join(here, '..', '..', 'dist', 'ui') : here;
}

interface Cached { mtimeMs: number; size: number; body: Buffer; gz?: Buffer; etag: string }

export class StaticFiles {
  private cache = new Map<string, Cached>();
  constructor(readonly dir: string) {}

  get built(): boolean { return existsSync(join(this.dir, 'index.html')); }

  /** Answers a GET/HEAD for a path that is not the API's or the session's. */
  serve(req: IncomingMessage, res: ServerResponse, path: string): void {
    if (path.startsWith('/assets/')) {
      const rel = normalize(decodeURIComponent(path.slice(1)));
      if (rel.startsWith('..') || !rel.startsWith(`assets${sep}`) || rel.includes('\0')) return this.notFound(res);
      this.sendFile(req, res, join(this.dir, rel), HASHED.test(rel) ? 'public, max-age=31536000, immutable' : 'no-cache');
      return;
    }
    // every other path is a client-side route: the page decides what it shows
    if (!this.built) return this.notBuilt(res);
    this.sendFile(req, res, join(this.dir, 'index.html'), 'no-cache');
  }

  private load(file: string): Cached | undefined {
    let st;
    try { st = statSync(file); } catch { return undefined; }
    if (!st.isFile()) return undefined;
    const hit = this.cache.get(file);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit;
    const body = readFileSync(file);
    const entry: Cached = { mtimeMs: st.mtimeMs, size: st.size, body, etag: `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"` };
    if (COMPRESSIBLE.has(extname(file)) && body.length > 1024) entry.gz = gzipSync(body);
    this.cache.set(file, entry);
    return entry;
  }

  private sendFile(req: IncomingMessage, res: ServerResponse, file: string, cacheControl: string): void {
    const f = this.load(file);
    if (!f) return this.notFound(res);
    res.setHeader('Cache-Control', cacheControl);
    res.setHeader('ETag', f.etag);
    res.setHeader('Vary', 'Accept-Encoding');
    res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
    if (req.headers['if-none-match'] === f.etag) { res.writeHead(304); res.end(); return; }
    const gzip = f.gz && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? f.gz! : f.body;
    if (gzip) res.setHeader('Content-Encoding', 'gzip');
    res.writeHead(200, { 'Content-Length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  private notFound(res: ServerResponse): void {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' });
    res.end('not found\n');
  }

  /** A page without script (the CSP would refuse inline script anyway) that says what is missing. */
  private notBuilt(res: ServerResponse): void {
    const html = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>berth dashboard</title></head><body>'
      + '<h1>The dashboard was not built</h1><p>berth is running, but its dashboard bundle '
      + `(<code>${escapeHtml(join(this.dir, 'index.html'))}</code>) is missing. Build it with <code>npm run build</code> `
      + 'in berth\'s source tree, or install a release package, which includes it.</p></body></html>\n';
    res.writeHead(503, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' });
    res.end(html);
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
