/**
 * Bad input for rootless networking, end to end: a user whose PATH has neither pasta nor slirp4netns.
 * The rootless daemon still starts (containers reach each other, published ports work, nothing beyond),
 * the entry says which package to install, and `berth info` keeps saying it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, symlinkSync, chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createRootlessUser, type RootlessUser } from '../helpers/rootless-user.js';

let u: RootlessUser | undefined;
let farm = '';

before(async () => {
  // the system's programs, less the two drivers
  farm = mkdtempSync(join(tmpdir(), 'berth-nodriver-'));
  chmodSync(farm, 0o755);
  for (const dir of ['/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    let names: string[] = [];
    try { names = readdirSync(dir); } catch { continue; }
    for (const n of names) {
      if (n === 'pasta' || n === 'passt' || n === 'slirp4netns' || n === 'pasta.avx2' || n === 'passt.avx2') continue;
      if (!existsSync(join(farm, n))) symlinkSync(join(dir, n), join(farm, n));
    }
  }
  u = await createRootlessUser();
  const node = u.env().PATH!.split(':')[0]!;
  await u.startDaemon({ env: { PATH: `${node}:${farm}` } });
});

after(async () => {
  try { await u?.cleanup(); } finally { if (farm) rmSync(farm, { recursive: true, force: true }); }
});

test('no pasta and no slirp4netns: the daemon runs without a host network and says which package to install', async () => {
  const net = (await u!.ok(['info', '--format', '{{.RootlessNetwork}}'])).trim();
  assert.match(net, /^none: rootless networking needs pasta or slirp4netns, and neither is installed: install the Debian package "passt"/);
  assert.match(u!.daemonLog(), /apt-get install passt/);
  // containers still run, on the bridge inside the namespace
  assert.match(await u!.ok(['run', '--rm', 'busybox', 'ip', '-4', 'addr', 'show', 'eth0']), /inet \d+\.\d+\.\d+\.\d+\//);
});
