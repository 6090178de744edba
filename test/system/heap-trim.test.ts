/** The daemon's heap trim: memory a burst of buffers left behind goes back to the system. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DAEMON_NODE_FLAGS } from '../../src/daemon/node-flags.js';
import { REPO } from '../helpers/daemon.js';

/** Runs `script` (with `mod`, the built heap-trim module) under the daemon's V8 flags; its last line of output as JSON. */
function runWithDaemonFlags(script: string): { burst: number; after: number } {
  const r = spawnSync(process.execPath, [...DAEMON_NODE_FLAGS, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim());
}

const mod = pathToFileURL(join(REPO, 'dist', 'daemon', 'heap-trim.js')).href;

/** A burst of `mib` MiB of buffers, released; then waits (bounded) for the resident size to drop by `drop` MiB. */
const burstScript = (opts: string, mib: number, drop: number) => `
    const { startHeapTrim } = await import(${JSON.stringify(mod)});
    startHeapTrim(${opts});
    await new Promise((r) => setTimeout(r, 300)); // the first look trims start-up
    let keep = [];
    for (let i = 0; i < ${mib}; i++) keep.push(Buffer.alloc(1024 * 1024, 1)); // held, as a transfer's or a burst's buffers
    const burst = process.memoryUsage.rss();
    keep = null; // released: only a collection frees them, and only a trim gives the pages back
    let after = burst;
    for (let i = 0; i < 100 && after > burst - ${drop} * 1048576; i++) { await new Promise((r) => setTimeout(r, 100)); after = process.memoryUsage.rss(); }
    console.log(JSON.stringify({ burst, after }));
  `;

test('after a burst of stream-sized buffers, the heap trim returns the memory (daemon flags, real process)', () => {
  const { burst, after } = runWithDaemonFlags(burstScript('{ intervalMs: 100, thresholdBytes: 8 * 1048576, idleBytes: 1024 * 1048576 }', 48, 24));
  assert.ok(after < burst - 24 * 1048576, `resident size went from ${burst >> 20} MB to ${after >> 20} MB`);
});

test('growth below the burst threshold is collected once the event loop has gone quiet', () => {
  const { burst, after } = runWithDaemonFlags(burstScript('{ intervalMs: 100, thresholdBytes: 1024 * 1048576, idleBytes: 4 * 1048576 }', 16, 8));
  assert.ok(after < burst - 8 * 1048576, `resident size went from ${burst >> 20} MB to ${after >> 20} MB`);
});

test('memory a transfer held while it ran is returned once the daemon is quiet (no collection at the transfer\'s peak)', () => {
  const { burst, after } = runWithDaemonFlags(`
    const { startHeapTrim } = await import(${JSON.stringify(mod)});
    startHeapTrim({ intervalMs: 100, thresholdBytes: 8 * 1048576 });
    await new Promise((r) => setTimeout(r, 300)); // the first look trims start-up
    const { randomFillSync } = await import('node:crypto');
    // 48 MiB held by a running transfer (random bytes, on globalThis: nothing may drop or share them early)
    globalThis.held = [];
    for (let i = 0; i < 48; i++) globalThis.held.push(randomFillSync(Buffer.allocUnsafeSlow(1024 * 1024)));
    // the transfer keeps the process busy across several looks of the timer
    for (const end = Date.now() + 600; Date.now() < end;) {
      for (const stop = Date.now() + 50; Date.now() < stop;) { /* busy */ }
      await new Promise((r) => setImmediate(r));
    }
    const burst = process.memoryUsage.rss();
    globalThis.held = null; // the transfer ends
    let after = burst;
    for (let i = 0; i < 100 && after > burst - 24 * 1048576; i++) { await new Promise((r) => setTimeout(r, 100)); after = process.memoryUsage.rss(); }
    console.log(JSON.stringify({ burst, after }));
  `);
  assert.ok(after < burst - 24 * 1048576, `resident size went from ${burst >> 20} MB to ${after >> 20} MB`);
});
