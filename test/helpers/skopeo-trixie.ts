/**
 * Debian 13's skopeo 1.18 (signs and verifies sigstore signatures; Debian 12's 1.9.3 is built with
 * sigstore disabled), fetched by scripts/fetch-skopeo-trixie.sh before the suite enters its network
 * namespace and named by BERTH_TEST_SKOPEO_TRIXIE. Tests skip with `skopeoTrixieSkip` when it is absent.
 * skopeo runs asynchronously: a registry served by the test process itself must keep answering.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const SKOPEO_TRIXIE: string | undefined = (() => {
  const p = process.env.BERTH_TEST_SKOPEO_TRIXIE;
  if (!p) return undefined;
  try { accessSync(p, constants.X_OK); return p; } catch { return undefined; }
})();

/** `skip` option of node:test: false when skopeo 1.18 is there, else why not */
export const skopeoTrixieSkip: false | string = SKOPEO_TRIXIE ? false
  : 'Debian 13 skopeo absent: run `bash scripts/fetch-skopeo-trixie.sh` where deb.debian.org is reachable and export BERTH_TEST_SKOPEO_TRIXIE=<the path it prints> (scripts/test.sh does both)';

export interface SkopeoResult { code: number | null; stdout: string; stderr: string }

/** Run a skopeo (1.18's wrapper, or `/usr/bin/skopeo`), optionally inside a named network namespace. */
export function runSkopeo(bin: string, args: string[], opts: { netns?: string; timeoutMs?: number } = {}): Promise<SkopeoResult> {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  const [cmd, argv] = opts.netns ? ['nsenter', [`--net=/run/netns/${opts.netns}`, bin, ...args]] : [bin, args];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: opts.timeoutMs ?? 120_000, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A registries.d directory that turns on sigstore attachments (the `.sig` tag scheme) for these registries. */
export function writeRegistriesD(dir: string, hosts: string[]): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'berth-test.yaml'), `docker:\n${hosts.map((h) => `  ${h}:\n    use-sigstore-attachments: true\n`).join('')}`);
  return dir;
}

/**
 * A containers-policy.json: images from `hosts` need a sigstore signature by `publicKeyPath` naming
 * their repository (matchRepository); local transports (dir:, oci:, docker-archive:) and everything
 * else are accepted.
 */
export function writeSigstorePolicy(path: string, hosts: string[], publicKeyPath: string): string {
  const rule = [{ type: 'sigstoreSigned', keyPath: publicKeyPath, signedIdentity: { type: 'matchRepository' } }];
  writeFileSync(path, JSON.stringify({
    default: [{ type: 'insecureAcceptAnything' }],
    transports: { docker: Object.fromEntries(hosts.map((h) => [h, rule])) },
  }, null, 2));
  return path;
}

/** A policy that accepts anything (for pushes). */
export function writeAcceptPolicy(path: string): string {
  writeFileSync(path, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
  return path;
}
