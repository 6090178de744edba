import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from '../helpers/daemon.js';

test('a command runs in a new, bind-mounted network namespace and the daemon thread returns to its own', () => {
  // in a child under a network namespace of its own: nothing here touches the test's namespace
  const script = `
    import { execFileSync } from 'node:child_process';
    import { mkdtempSync, statSync, writeFileSync, rmSync } from 'node:fs';
    import { join } from 'node:path';
    import { daemonNetnsPath, runInNewNetns } from ${JSON.stringify(join(REPO, 'src/network/netns-spawn.ts'))};
    const dir = mkdtempSync('/tmp/berth-netns-');
    const path = join(dir, 'ns');
    writeFileSync(path, '');
    const before = statSync('/proc/thread-self/ns/net').ino;
    const ours = daemonNetnsPath();
    const r = await runInNewNetns(path, 'ip', ['-batch', '-'], 'link set lo up\\nlink add vin0 type veth peer name vout0 netns ' + ours + '\\n');
    const after = statSync('/proc/thread-self/ns/net').ino;
    const inside = JSON.parse(execFileSync('nsenter', ['--net=' + path, 'ip', '-j', 'link', 'show'], { encoding: 'utf8' })).map((l) => l.ifname + ':' + l.flags.includes('UP'));
    const here = JSON.parse(execFileSync('ip', ['-j', 'link', 'show'], { encoding: 'utf8' })).map((l) => l.ifname);
    execFileSync('umount', [path]);
    rmSync(dir, { recursive: true, force: true });
    console.log(JSON.stringify({ code: r.code, stderr: r.stderr, same: before === after, processBack: statSync('/proc/self/ns/net').ino === before, inside: inside.sort(), vout: here.includes('vout0') }));
  `;
  const r = spawnSync('unshare', ['--net', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: REPO, timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()!), {
    code: 0, stderr: '', same: true, processBack: true, inside: ['lo:true', 'vin0:false'], vout: true,
  });
});
