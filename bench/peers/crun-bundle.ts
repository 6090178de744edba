/**
 * A minimal OCI bundle for bare-runtime peers: a rootfs holding only the static busybox with its
 * applet links, and `crun spec`'s default config.json running /bin/true without a terminal.
 */
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { runOk } from '../../src/common/exec.js';

export const BUSYBOX_STATIC = '/usr/bin/busybox';

export async function buildBusyboxBundle(dir: string, args: string[]): Promise<string> {
  const rootfs = join(dir, 'rootfs');
  for (const d of ['bin', 'proc', 'dev', 'sys', 'tmp', 'etc', 'root']) mkdirSync(join(rootfs, d), { recursive: true });
  copyFileSync(BUSYBOX_STATIC, join(rootfs, 'bin', 'busybox'));
  chmodSync(join(rootfs, 'bin', 'busybox'), 0o755);
  const applets = (await runOk(BUSYBOX_STATIC, ['--list'])).split('\n').map((s) => s.trim()).filter((s) => s && s !== 'busybox');
  for (const a of applets) symlinkSync('busybox', join(rootfs, 'bin', a));
  // `crun spec` writes the runtime's own default config.json (with its network namespace) into cwd.
  await runOk('crun', ['spec'], { cwd: dir });
  const configPath = join(dir, 'config.json');
  const config = JSON.parse(readFileSync(configPath, 'utf8'));
  config.process.args = args;
  config.process.terminal = false;
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  return dir;
}
