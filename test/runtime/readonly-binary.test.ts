import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOnlyBinary, releaseReadOnlyBinary } from '../../src/runtime/readonly-binary.js';
import { mountPoints, unescapeMountPath } from '../../src/snapshot/mounts.js';

test('mountinfo mount points, octal escapes decoded', () => {
  assert.equal(unescapeMountPath('/run/a\\040b'), '/run/a b');
  assert.equal(unescapeMountPath('/x'), '/x');
});

test('a runtime binary runs from a read-only bind mount that cannot be written through, and is released', async () => {
  const base = mkdtempSync(join(tmpdir(), 'berth-robin-'));
  const binary = join(base, 'tool');
  copyFileSync('/bin/echo', binary);
  try {
    const path = await readOnlyBinary(binary, join(base, 'bin'), 'tool');
    assert.equal(path, join(base, 'bin', 'tool'));
    assert.ok((await mountPoints()).includes(path), 'mounted');
    assert.equal(spawnSync(path, ['hello'], { encoding: 'utf8' }).stdout, 'hello\n', 'it runs');
    assert.throws(() => openSync(path, 'r+'), (e: NodeJS.ErrnoException) => e.code === 'EROFS', 'nothing can write the binary through it');
    // a mount left by a crashed daemon is replaced, not stacked
    assert.equal(await readOnlyBinary(binary, join(base, 'bin'), 'tool'), path);
    assert.equal((await mountPoints()).filter((m) => m === path).length, 1);
    await releaseReadOnlyBinary(path, binary);
    assert.ok(!(await mountPoints()).includes(path), 'released');
  } finally {
    spawnSync('umount', ['-l', join(base, 'bin', 'tool')]);
    rmSync(base, { recursive: true, force: true });
  }
});

test('a binary that cannot be bind-mounted runs from its own path', async () => {
  const base = mkdtempSync(join(tmpdir(), 'berth-robin-'));
  try {
    assert.equal(await readOnlyBinary(join(base, 'missing'), join(base, 'bin'), 'missing'), join(base, 'missing'));
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
