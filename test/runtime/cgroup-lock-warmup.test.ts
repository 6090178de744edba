import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cgroupLockWarmupState, keepCgroupLockWarm, ownCgroupProcsFile, RENEW_MS, warmCgroupLock } from '../../src/runtime/cgroup-lock-warmup.js';

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

test('kept warm: moves again after each one ends while the operation runs, and stops when it settles', async () => {
  let finish!: () => void;
  const operation = new Promise<void>((r) => { finish = r; });
  const moves: Array<Promise<void>> = [];
  const seen = new Set<Promise<void>>();
  keepCgroupLockWarm(operation);
  assert.equal(cgroupLockWarmupState().keepers, 1);
  // watch the warm-ups under way for a while: a new one starts after each ends
  const deadline = Date.now() + 2000;
  while (moves.length < 3 && Date.now() < deadline) {
    const p = cgroupLockWarmupState().pending;
    if (p && !seen.has(p)) { seen.add(p); moves.push(p); }
    await new Promise((r) => setTimeout(r, 1));
  }
  assert.ok(moves.length >= 3, `renewed while the operation ran (${moves.length} moves seen)`);
  assert.ok(cgroupLockWarmupState().target, 'the kernel took every move');
  finish();
  await operation;
  await Promise.all(moves);
  // the loop notices at its next turn: one renewal period after the last move at most
  const until = Date.now() + 2000;
  while (cgroupLockWarmupState().keepers > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, RENEW_MS));
  assert.equal(cgroupLockWarmupState().keepers, 0, 'the loop ended with the operation');
  await cgroupLockWarmupState().pending;
  await new Promise((r) => setTimeout(r, RENEW_MS * 3));
  assert.equal(cgroupLockWarmupState().pending, null, 'no move after the loop ended');
});

test('kept warm: an operation that fails ends the loop as well', async () => {
  const failed = Promise.reject(new Error('runtime failed'));
  failed.catch(() => undefined);
  keepCgroupLockWarm(failed);
  await failed.catch(() => undefined);
  const until = Date.now() + 2000;
  while (cgroupLockWarmupState().keepers > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, RENEW_MS));
  assert.equal(cgroupLockWarmupState().keepers, 0);
});
