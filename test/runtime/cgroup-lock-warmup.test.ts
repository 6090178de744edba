import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cgroupLockWarmupState, ownCgroupProcsFile, warmCgroupLock } from '../../src/runtime/cgroup-lock-warmup.js';

test('own cgroup.procs from /proc/self/cgroup: v1 hierarchies, named ones and cgroup2 (root or unified)', () => {
  const has = (files: string[]) => (p: string) => files.includes(p);
  const v1 = '10:hugetlb:/\n9:name=systemd:/user.slice\n0::/\n';
  assert.equal(ownCgroupProcsFile(v1, has(['/sys/fs/cgroup/hugetlb/cgroup.procs'])), '/sys/fs/cgroup/hugetlb/cgroup.procs');
  assert.equal(ownCgroupProcsFile(v1, has(['/sys/fs/cgroup/systemd/user.slice/cgroup.procs'])), '/sys/fs/cgroup/systemd/user.slice/cgroup.procs');
  assert.equal(ownCgroupProcsFile(v1, has(['/sys/fs/cgroup/unified/cgroup.procs'])), '/sys/fs/cgroup/unified/cgroup.procs');
  assert.equal(ownCgroupProcsFile('0::/system.slice/berth.service\n', has(['/sys/fs/cgroup/system.slice/berth.service/cgroup.procs'])),
    '/sys/fs/cgroup/system.slice/berth.service/cgroup.procs');
  assert.equal(ownCgroupProcsFile(v1, has([])), null);
});

test('the warm-up really moves this process into its own cgroup, and the kernel takes it', async () => {
  warmCgroupLock();
  const { target, pending } = cgroupLockWarmupState();
  assert.ok(target, 'this host has a cgroup.procs of our own');
  assert.ok(pending, 'a move is under way');
  warmCgroupLock(); // a second call while one runs starts nothing new
  assert.equal(cgroupLockWarmupState().pending, pending);
  await pending;
  assert.equal(cgroupLockWarmupState().target, target, 'the write was accepted (a refusal disables the warm-up)');
  assert.equal(cgroupLockWarmupState().pending, null);
});
