/** `berth serve`'s default log config: --log-driver/--log-opt over daemon.json's keys, checked before the start. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseServeArgs } from '../../src/daemon/serve.js';

test('--log-driver/--log-opt win over daemon.json; a bad default stops the start with a config error', (t) => {
  const dir = mkdtempSync('/tmp/bt-serve-cfg-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cfg = join(dir, 'daemon.json');
  writeFileSync(cfg, JSON.stringify({ 'log-driver': 'json-file', 'log-opts': { 'max-size': '1m', 'max-file': '3' } }));
  const serve = (...args: string[]) => parseServeArgs(['--config-file', cfg, '--root', join(dir, 'r'), '--run-root', join(dir, 'rr'), ...args]);
  assert.deepEqual(serve().logConfig, { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '3' } });
  assert.deepEqual(serve('--log-opt', 'max-file=5').logConfig, { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '5' } });
  assert.throws(() => serve('--log-opt', 'max-size'), { code: 'ERR_CONFIG', message: /invalid --log-opt max-size: expected key=value/ });
  assert.throws(() => serve('--log-driver', 'nosuch'), /logger: no log driver named 'nosuch' is registered/);
  writeFileSync(cfg, JSON.stringify({ 'log-opts': { 'max-file': 3 } }));
  assert.throws(() => serve(), { code: 'ERR_CONFIG', message: /log-opts in the daemon config must be an object of strings/ });
});
