/**
 * Helpers for registry tests: loopback (tests run under `unshare --net`, where lo starts
 * down; bringing it up there touches only that private namespace), an in-process
 * registry on an ephemeral port, and small HTTP helpers.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { RegistryServer, type RegistryServerOptions } from '../../src/registry/server/server.js';

export function ensureLoopback(): void {
  const r = spawnSync('ip', ['-o', 'link', 'show', 'lo'], { encoding: 'utf8' });
  if (!/[<,]UP[,>]/.test(r.stdout)) spawnSync('ip', ['link', 'set', 'lo', 'up']);
}

export interface TestRegistry { server: RegistryServer; url: string; host: string; root: string; close(): Promise<void> }

export async function startRegistry(opts: Partial<RegistryServerOptions> = {}): Promise<TestRegistry> {
  ensureLoopback();
  const root = mkdtempSync('/tmp/breg-');
  const server = new RegistryServer({ root, ...opts });
  const { port } = await server.listen(0, '127.0.0.1');
  const host = `127.0.0.1:${port}`;
  return {
    server, root, host, url: `${opts.tls ? 'https' : 'http'}://${host}`,
    async close() { await server.close(); rmSync(root, { recursive: true, force: true }); },
  };
}

export function sha(b: Buffer | string): string { return 'sha256:' + createHash('sha256').update(b).digest('hex'); }

export async function req(url: string, method: string, opts: { body?: Buffer | string; headers?: Record<string, string> } = {}) {
  // a Buffer over a plain ArrayBuffer (fetch's BodyInit excludes a SharedArrayBuffer's)
  const r = await fetch(url, { method, body: opts.body as Uint8Array<ArrayBuffer> | string | undefined, headers: opts.headers, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
  const buf = Buffer.from(await r.arrayBuffer());
  let json: any;
  try { json = buf.length ? JSON.parse(buf.toString()) : undefined; } catch { /* not JSON */ }
  return { status: r.status, headers: r.headers, body: buf, json };
}
