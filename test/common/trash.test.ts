import assert from 'node:assert/strict';
import { test } from 'node:test';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Trash } from '../../src/common/trash.js';

function tree(base: string, name: string): string {
  const dir = join(base, name);
  mkdirSync(join(dir, 'a', 'b'), { recursive: true });
  writeFileSync(join(dir, 'a', 'b', 'file'), 'x'.repeat(1000));
  writeFileSync(join(dir, 'top'), 'y');
  return dir;
}

test('a tree put in the trash is gone from its place at once and deleted afterwards', async () => {
  const base = mkdtempSync(join(tmpdir(), 'berth-trash-'));
  try {
    const trash = Trash.at(join(base, 'trash'));
    assert.equal(Trash.at(join(base, 'trash')), trash, 'one trash per directory');
    const dir = tree(base, 'container');
    await trash.put(dir);
    assert.equal(existsSync(dir), false, 'moved away by the time put() resolves');
    assert.equal(readdirSync(join(base, 'trash')).length, 1, 'it waits in the trash');
    await trash.drain();
    assert.deepEqual(readdirSync(join(base, 'trash')), [], 'and is deleted');
    await trash.put(join(base, 'never-existed')); // a missing path is no error
    await trash.put(dir); // nor one removed already
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('what an earlier daemon left in the trash is deleted; drainAll waits for every trash', async () => {
  const base = mkdtempSync(join(tmpdir(), 'berth-trash-'));
  try {
    const dir = join(base, 'left');
    tree(dir, 'one');
    tree(dir, 'two');
    const trash = Trash.at(dir);
    trash.emptyLeftovers();
    await Trash.drainAll();
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
