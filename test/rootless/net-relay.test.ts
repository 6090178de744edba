/**
 * The published-port relay of a rootless daemon (src/rootless/net/host-ports.ts relayTcp), with the splice
 * relay (bytes moved by splice(2) on a worker thread, splice-relay.ts) and with the JavaScript copy it
 * falls back to: the same behaviour both ways. Loopback only, in the suite's own network namespace.
 * Covered: a large transfer both ways at once (hashed at both ends), half-close in either direction,
 * many concurrent connections, a client's reset, an upstream's reset, a port closed under open
 * connections, and a crashing worker (its connections end, the process and the next connection live on).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { relayTcp, type Published } from '../../src/rootless/net/host-ports.js';
import { SpliceRelay } from '../../src/rootless/net/splice-relay.js';

const LOCAL = '127.0.0.1';
let relay: SpliceRelay;
const cleanups: Array<() => unknown> = [];

before(() => {
  const routes = spawnSync('ip', ['-4', 'route', 'show', 'default'], { encoding: 'utf8' }).stdout.trim();
  if (routes) throw new Error(`run this test inside its own network namespace (unshare --net), as scripts/test.sh does; this one has a default route: ${routes}`);
  const up = spawnSync('ip', ['link', 'set', 'lo', 'up'], { encoding: 'utf8' });
  assert.equal(up.status, 0, `ip link set lo up: ${up.stderr}`);
  const r = SpliceRelay.create();
  assert.ok(r, 'the splice relay runs here (koffi and splice-worker.ts are in the checkout)');
  relay = r;
});

after(async () => {
  for (const c of cleanups.reverse()) await c();
  await relay?.close();
});

function listen(s: Server): Promise<number> {
  return new Promise((resolve, reject) => { s.once('error', reject); s.listen(0, LOCAL, () => resolve((s.address() as AddressInfo).port)); });
}

/** A published port in front of `upstream`: what the daemon does with the socket the entry bound. */
async function front(upstream: Server, mode: 'splice' | 'js'): Promise<{ port: number; published: Published }> {
  const upPort = (upstream.address() as AddressInfo)?.port ?? await listen(upstream);
  const bound = createServer();
  const port = await listen(bound);
  const published = relayTcp(bound, LOCAL, upPort, mode === 'splice' ? relay : null);
  cleanups.push(() => published.close(), () => upstream.close());
  return { port, published };
}

function dial(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: LOCAL, port, allowHalfOpen: true });
    s.once('connect', () => { s.off('error', reject); resolve(s); });
    s.once('error', reject);
  });
}

/** The peer ended the connection: its FIN (these sockets allow half-open ones) or a reset. */
function closed(s: Socket, ms = 15_000): Promise<void> {
  if (s.readableEnded || s.closed) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('the connection was not ended in time')), ms);
    const done = () => { clearTimeout(t); resolve(); };
    s.on('error', () => { /* a reset is one way to end */ });
    s.once('end', done);
    s.once('close', done);
    s.resume();
  });
}

/** Everything a socket reads until its EOF, hashed. */
function drain(s: Socket): Promise<{ bytes: number; sha: string }> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    let bytes = 0;
    s.on('data', (d: Buffer) => { bytes += d.length; h.update(d); });
    s.once('end', () => resolve({ bytes, sha: h.digest('hex') }));
    s.once('error', reject);
  });
}

/** Write `total` random bytes, end the socket; the hash of what was written. */
async function send(s: Socket, total: number): Promise<string> {
  const h = createHash('sha256');
  for (let done = 0; done < total;) {
    const chunk = randomBytes(Math.min(1 << 20, total - done));
    h.update(chunk);
    done += chunk.length;
    if (!s.write(chunk)) await new Promise((r) => s.once('drain', r));
  }
  s.end();
  return h.digest('hex');
}

async function until(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const fdCount = () => readdirSync('/proc/self/fd').length;

for (const mode of ['splice', 'js'] as const) {
  test(`${mode}: a large transfer both ways at once arrives whole (hashed at both ends)`, async () => {
    const DOWN = 64 << 20;
    const UP = 24 << 20;
    let upstreamGot: Promise<{ bytes: number; sha: string }> | undefined;
    let upstreamSent: Promise<string> | undefined;
    const { port } = await front(createServer({ allowHalfOpen: true }, (s) => { upstreamGot = drain(s); upstreamSent = send(s, DOWN); }), mode);
    const c = await dial(port);
    const got = drain(c);
    const sent = await send(c, UP);
    const down = await got;
    await until(() => !!upstreamGot);
    const up = await upstreamGot!;
    assert.equal(down.bytes, DOWN);
    assert.equal(down.sha, await upstreamSent!);
    assert.equal(up.bytes, UP);
    assert.equal(up.sha, sent);
    c.destroy();
  });

  test(`${mode}: half-close passes through both ways`, async () => {
    // the client half-closes first: the upstream sees the request's end, then answers in full
    const { port } = await front(createServer({ allowHalfOpen: true }, async (s) => {
      const req = await drain(s);
      s.end(`got ${req.bytes}\n` + 'x'.repeat(1 << 20));
    }), mode);
    const c = await dial(port);
    const answer = drain(c);
    c.end('a request of some bytes');
    const a = await answer;
    assert.equal(a.bytes, 'got 23\n'.length + (1 << 20));
    await closed(c);

    // the upstream half-closes first: the client reads its end and can still send; the upstream reads it all
    let got: Promise<{ bytes: number; sha: string }> | undefined;
    const { port: port2 } = await front(createServer({ allowHalfOpen: true }, (s) => { got = drain(s); s.end('bye\n'); }), mode);
    const c2 = await dial(port2);
    const greeting = await drain(c2);
    assert.equal(greeting.bytes, 4);
    const sha = await send(c2, 3 << 20);
    await until(() => !!got);
    assert.equal((await got!).sha, sha);
    await closed(c2);
  });

  test(`${mode}: many concurrent connections each get their own bytes back`, async () => {
    const N = 100;
    const fds = fdCount();
    const { port } = await front(createServer({ allowHalfOpen: true }, (s) => s.pipe(s)), mode);
    await Promise.all(Array.from({ length: N }, async () => {
      const c = await dial(port);
      const back = drain(c);
      const sha = await send(c, 64 * 1024 + Math.floor(Math.random() * 64 * 1024));
      assert.equal((await back).sha, sha);
      await closed(c);
      c.destroy();
    }));
    if (mode === 'splice') await until(() => relay.size === 0);
    // sockets, pipes: none left behind (a little slack for the runner's own)
    await until(() => fdCount() <= fds + 4);
  });

  test(`${mode}: a client's reset closes the upstream connection`, async () => {
    let upstream: Socket | undefined;
    const { port } = await front(createServer({ allowHalfOpen: true }, (s) => { upstream = s; s.on('error', () => {}); s.resume(); }), mode);
    const c = await dial(port);
    c.write('some bytes');
    await until(() => !!upstream);
    const upClosed = closed(upstream!);
    c.resetAndDestroy();
    await upClosed;
    if (mode === 'splice') await until(() => relay.size === 0);
  });

  test(`${mode}: an upstream's reset closes the client's connection`, async () => {
    const { port } = await front(createServer({ allowHalfOpen: true }, (s) => { s.write('x'.repeat(100_000)); setTimeout(() => s.resetAndDestroy(), 50); }), mode);
    const c = await dial(port);
    c.resume();
    await closed(c);
    if (mode === 'splice') await until(() => relay.size === 0);
  });

  test(`${mode}: closing the published port closes its open connections`, async () => {
    const { port, published } = await front(createServer({ allowHalfOpen: true }, (s) => { s.on('error', () => {}); s.resume(); }), mode);
    const c = await dial(port);
    c.write('hello');
    c.resume();
    await new Promise((r) => setTimeout(r, 100));
    const done = closed(c);
    published.close();
    await done;
    if (mode === 'splice') await until(() => relay.size === 0);
  });
}

test('splice: a crashing worker ends its connections, not the process; the next connection gets a new worker', async () => {
  const fds = fdCount();
  const { port } = await front(createServer({ allowHalfOpen: true }, (s) => { s.on('error', () => {}); s.pipe(s); }), 'splice');
  const c = await dial(port);
  c.write('ping');
  await new Promise<void>((resolve) => c.once('data', () => resolve()));
  assert.equal(relay.size, 1);
  const done = closed(c);
  relay.crashWorker();
  await done;
  await until(() => relay.size === 0);
  // a new connection works through a new worker
  const c2 = await dial(port);
  const back = drain(c2);
  const sha = await send(c2, 1 << 20);
  assert.equal((await back).sha, sha);
  await closed(c2);
  await until(() => relay.size === 0);
  await until(() => fdCount() <= fds + 4);
});
