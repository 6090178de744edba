import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sysUmount } from '../../src/common/mount-syscalls.js';

test('many unmounts at once never throw (koffi caps concurrent async calls at 64): failures answer false', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-umount-'));
  try {
    // not a mount point: umount2 fails with EINVAL, touching nothing
    const results = await Promise.all(Array.from({ length: 200 }, () => sysUmount(dir)));
    assert.equal(results.length, 200);
    assert.ok(results.every((r) => r === false));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
