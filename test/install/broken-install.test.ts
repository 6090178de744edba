/** A checkout that was never built gets one clear message naming the fix, not a stack trace. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { REPO } from '../helpers/daemon.js';

test('bin/berth in a checkout without dist/ names the missing build and the command that fixes it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-unbuilt-'));
  try {
    mkdirSync(join(dir, 'bin'));
    copyFileSync(join(REPO, 'bin', 'berth'), join(dir, 'bin', 'berth'));
    const r = spawnSync(join(dir, 'bin', 'berth'), ['ps'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, BERTH_NO_AUTOSTART: '1' } });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^berth: not built \(.*dist\/cli\/start\.cjs is missing\); run: bash scripts\/setup\.sh/);
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
