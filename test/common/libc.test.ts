import test from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { MOUNT_ATTR_SIZE, lastErrnoName, libc, libcFunction } from '../../src/common/libc.ts';

test('each libc function is declared once and shared', () => {
  libc();
  assert.equal(libcFunction('close'), libcFunction('close'));
  assert.equal(libcFunction('mount'), libcFunction('mount'));
  assert.equal(typeof libcFunction('umount2').async, 'function');
});

test("a failed call leaves errno for lastErrnoName", () => {
  assert.equal(libcFunction('close')(-1), -1);
  assert.equal(lastErrnoName(), 'EBADF');
});

test('struct mount_attr is declared with the size mount_setattr(2) is given', () => {
  libc();
  const koffi = createRequire(import.meta.url)('koffi');
  assert.equal(koffi.sizeof('berth_mount_attr'), MOUNT_ATTR_SIZE);
});
