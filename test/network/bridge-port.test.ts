import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from '../helpers/daemon.js';
import { ifreq } from '../../src/network/bridge-port.js';

test('struct ifreq: the name NUL-terminated in 16 bytes, a zeroed union, names too long refused', () => {
  const b = ifreq('berth0');
  assert.equal(b.length, 40);
  assert.equal(b.subarray(0, 7).toString('latin1'), 'berth0\0');
  assert.ok(b.subarray(16).every((x) => x === 0));
  assert.throws(() => ifreq('a-name-of-16-chr'), RangeError);
});

test('a veth is put on a bridge and brought up through the ioctls (in a network namespace of its own)', () => {
  // a child in a new network namespace: the bridge and veth never exist anywhere else
  const script = `
    import { execFileSync } from 'node:child_process';
    import { addToBridge } from ${JSON.stringify(join(REPO, 'src/network/bridge-port.ts'))};
    const ip = (...a) => execFileSync('ip', a, { encoding: 'utf8' });
    ip('link', 'add', 'brtest0', 'type', 'bridge');
    ip('link', 'add', 'vtest0', 'type', 'veth', 'peer', 'name', 'vtest1');
    const ok = await addToBridge('vtest0', 'brtest0');
    const missing = await addToBridge('nosuchdev', 'brtest0');
    const link = JSON.parse(ip('-j', 'link', 'show', 'vtest0'))[0];
    console.log(JSON.stringify({ ok, missing, master: link.master, up: link.flags.includes('UP') }));
  `;
  const r = spawnSync('unshare', ['--net', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: REPO, timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()!), { ok: true, missing: false, master: 'brtest0', up: true });
});
