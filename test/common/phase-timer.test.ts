import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PhaseTimer, setLogLevel } from '../../src/common/log.js';

function captureStderr(fn: () => void): string {
  const write = process.stderr.write.bind(process.stderr);
  let out = '';
  (process.stderr as any).write = (chunk: string) => { out += chunk; return true; };
  try { fn(); } finally { (process.stderr as any).write = write; }
  return out;
}

test('BERTH_LOG_LEVEL=debug: phase timings in one line, and nothing at all at the default level', () => {
  try {
    setLogLevel('debug');
    const line = captureStderr(() => {
      const t = new PhaseTimer('start', { container: 'abc' });
      t.mark('rootfs');
      t.mark('network');
      t.done();
    });
    const m = /DEBUG start timings container=abc ms=(\{.*\})\n$/.exec(line);
    assert.ok(m, line);
    assert.deepEqual(Object.keys(JSON.parse(m[1])), ['rootfs', 'network']);
    assert.ok(Object.values(JSON.parse(m[1]) as Record<string, number>).every((v) => typeof v === 'number' && v >= 0));
    setLogLevel('info');
    assert.equal(captureStderr(() => { const t = new PhaseTimer('exit'); t.mark('lock'); t.done(); }), '');
  } finally {
    setLogLevel('info');
  }
});
