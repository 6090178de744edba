/**
 * Endpoints that receive a tar (container archive PUT, image load, build, import): garbage,
 * truncated and aborted bodies are clean client errors, the daemon survives them, and a
 * refused archive leaves nothing half-written in the container.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import * as tar from 'tar-stream';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d?.cleanup(); });

function raw(method: string, path: string, body: Buffer, type = 'application/x-tar'): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: d.socket, method, path, headers: { 'Content-Type': type, 'Content-Length': body.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends half of a declared body, then drops the connection. */
function aborted(method: string, path: string, body: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const sock = connect(d.socket, () => {
      sock.write(`${method} ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-tar\r\nContent-Length: ${body.length}\r\n\r\n`);
      sock.write(body.subarray(0, body.length >> 1), () => setTimeout(() => { sock.destroy(); resolve(); }, 200));
    });
    sock.on('error', () => resolve());
  });
}

async function tarOf(files: Record<string, string>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, text] of Object.entries(files)) pack.entry({ name }, text);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const GARBAGE = Buffer.alloc(4096, 'not a tar at all ');

async function alive(): Promise<void> {
  const r = await d.api('GET', '/_ping');
  assert.equal(r.status, 200, 'the daemon still answers');
}

test('PUT /containers/{id}/archive: a malformed or truncated tar is a 400, nothing half-written stays', async () => {
  await d.ok(['create', '--name', 'tarbox', 'busybox', 'true']);
  const good = await tarOf({ 'first.txt': 'x'.repeat(3000), 'second.txt': 'y'.repeat(3000) });
  // the first entry complete, the second cut in the middle of its data
  const truncated = good.subarray(0, 512 + 3072 + 512 + 1000);
  for (const [what, body] of [['garbage', GARBAGE], ['truncated', truncated], ['bad checksum', Buffer.concat([Buffer.from(good.subarray(0, 148)), Buffer.alloc(364, 0x41), good.subarray(512)])]] as const) {
    const r = await raw('PUT', '/containers/tarbox/archive?path=/tmp', body);
    assert.equal(r.status, 400, `${what}: ${r.status} ${r.text}`);
    assert.match(JSON.parse(r.text).message, /tar/i, what);
    await alive();
    for (const f of ['first.txt', 'second.txt']) {
      const st = await d.api('HEAD', `/containers/tarbox/archive?path=/tmp/${f}`);
      assert.equal(st.status, 404, `${what}: /tmp/${f} was left behind`);
    }
  }
  // cut off while being received, and cut off after an early refusal (a missing path, a missing container)
  for (const path of ['/containers/tarbox/archive?path=/tmp', '/containers/tarbox/archive?path=/nowhere', '/containers/nobox/archive?path=/tmp']) {
    await aborted('PUT', path, Buffer.concat([good, Buffer.alloc(1 << 20)]));
    await alive();
  }
  // no spool of a refused body stays behind in the daemon's tmp dir
  await waitFor(() => !readdirSync(join(d.root, 'tmp')).some((n) => n.startsWith('tar-')), 5000, 'spools removed');
  // a good tar still works afterwards
  const ok = await raw('PUT', '/containers/tarbox/archive?path=/tmp', good);
  assert.equal(ok.status, 200, ok.text);
  assert.equal((await d.api('HEAD', '/containers/tarbox/archive?path=/tmp/second.txt')).status, 200);
});

test('POST /images/load, /build and /images/create?fromSrc=-: broken tars are errors, the daemon survives', async () => {
  const good = await tarOf({ 'Dockerfile': 'FROM busybox\nRUN true\n', 'filler.txt': 'z'.repeat(5000) });
  const truncated = good.subarray(0, 512 + 700);
  const endpoints = ['/images/load?quiet=1', '/build?t=broken:1', '/images/create?fromSrc=-&repo=broken&tag=1'];
  for (const ep of endpoints) {
    for (const [what, body] of [['garbage', GARBAGE], ['truncated', truncated]] as const) {
      const r = await raw('POST', ep, body);
      // an error either as the status or, once a progress stream has begun, as its errorDetail
      const failed = r.status >= 400 || /"error(Detail)?"/.test(r.text);
      assert.ok(failed, `${ep} ${what}: ${r.status} ${r.text.slice(0, 300)}`);
      assert.ok(r.status < 500 || /"error/.test(r.text), `${ep} ${what}: a client error, not ${r.status} ${r.text.slice(0, 300)}`);
      await alive();
    }
    await aborted('POST', ep, good);
    await alive();
  }
  const imgs = await d.api('GET', '/images/json');
  assert.ok(!imgs.body.some((i: any) => (i.RepoTags ?? []).some((t: string) => t.startsWith('broken:'))), 'no image from a broken tar');
});
