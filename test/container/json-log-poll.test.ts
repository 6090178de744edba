/**
 * The json-file converter's once-a-second poll, without a daemon: a running container's file is only
 * converted when it changed (one stat otherwise), and the poll alone still catches every write when no
 * inotify event comes (here: no watch at all, the file did not exist when it was tracked), a file cut
 * short behind its back, the hole punching of a rotating log, and the container's exit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JsonLogConverter, jsonLogFiles } from '../../src/container/json-log.js';

const k8s = (from: number, n: number, partial = false) =>
  Array.from({ length: n }, (_, i) => `2026-01-01T00:00:00.${String(from + i).padStart(9, '0')}Z stdout ${partial && i === n - 1 ? 'P' : 'F'} line ${from + i}\n`).join('');
const logs = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).log as string) : []);

async function until(what: string, fn: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const twoPolls = () => new Promise((r) => setTimeout(r, 2200));

test('the poll converts a running container\'s new output without inotify, and leaves a quiet one alone', async () => {
  const dir = mkdtempSync('/tmp/bt-jpoll-');
  let live = true;
  const conv = new JsonLogConverter(() => live);
  try {
    const files = jsonLogFiles(dir, 'c', join(dir, 'ctr.log'));
    conv.track('c', files); // no file yet: no watch, the poll is all there is
    writeFileSync(files.k8sPath, k8s(0, 3));
    await until('the first lines', () => logs(files.jsonPath).length === 3);
    // nothing new: two polls later nothing was converted or written again
    const state = statSync(files.statePath).mtimeMs;
    const json = readFileSync(files.jsonPath, 'utf8');
    await twoPolls();
    assert.equal(statSync(files.statePath).mtimeMs, state, 'the position was written again for a quiet file');
    assert.equal(readFileSync(files.jsonPath, 'utf8'), json);
    appendFileSync(files.k8sPath, k8s(3, 2));
    await until('appended lines', () => logs(files.jsonPath).length === 5);
    // a partial line stays pending while the container runs
    appendFileSync(files.k8sPath, k8s(5, 1, true));
    await twoPolls();
    assert.equal(logs(files.jsonPath).length, 5);
    // cut short behind the converter's back: it starts over on the new content
    truncateSync(files.k8sPath, 0);
    writeFileSync(files.k8sPath, k8s(10, 1));
    await until('the line after a truncation', () => logs(files.jsonPath).at(-1) === 'line 5line 10\n');
    // the exit: the poll converts what is left, pending parts included, and forgets the container
    live = false;
    appendFileSync(files.k8sPath, k8s(11, 1, true));
    await until('the final conversion', () => logs(files.jsonPath).at(-1) === 'line 11');
  } finally {
    await conv.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a running container\'s rotating log still has its converted blocks punched out', async (t) => {
  const dir = mkdtempSync('/tmp/bt-jpunch-');
  const conv = new JsonLogConverter(() => true);
  try {
    const files = jsonLogFiles(dir, 'c', join(dir, 'ctr.log'), { maxSize: 10_000_000, maxFile: 2 });
    // 512 KiB of lines: two punch units (256 KiB) converted at once
    const line = (i: number) => `2026-01-01T00:00:00.${String(i).padStart(9, '0')}Z stdout F ${'x'.repeat(200)} ${i}\n`;
    let text = '';
    for (let i = 0; text.length < 512 * 1024; i++) text += line(i);
    writeFileSync(files.k8sPath, text);
    conv.track('c', files);
    await until('the conversion', () => logs(files.jsonPath).length > 0 && statSync(files.jsonPath).size > 500 * 1024);
    const blocks = () => statSync(files.k8sPath).blocks * 512;
    await until('the punch', () => blocks() < 128 * 1024).catch((e) => {
      if (blocks() >= text.length) t.skip('this filesystem cannot punch holes'); else throw e;
    });
  } finally {
    await conv.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
