/**
 * For the kube tests: a `berth serve` of the test's own, a directory for YAML files, `berth kube …`
 * run against it (BERTH_NO_AUTOSTART=1, bounded in time), and commands inside the daemon's netns.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { runBerth, startDaemon, waitFor, type RunResult, type TestDaemon } from '../helpers/daemon.js';

export interface KubeHarness {
  d: TestDaemon;
  dir: string;
  /** write a file in the test's directory; its path */
  file(name: string, text: string): string;
  berth(args: string[], opts?: { timeoutMs?: number; input?: string }): Promise<RunResult>;
  ok(args: string[], opts?: { timeoutMs?: number }): Promise<string>;
  /** a command inside the daemon's network namespace (where published ports are) */
  inNs(cmd: string[]): { code: number; out: string };
  /** `berth exec NAME sh -c SCRIPT`: its stdout */
  exec(container: string, script: string): Promise<RunResult>;
  inspect(name: string): Promise<any>;
  /** every container of the daemon */
  names(): Promise<string[]>;
}

export async function kubeHarness(t: TestContext, d?: TestDaemon): Promise<KubeHarness> {
  const daemon = d ?? await startDaemon();
  if (!d) t.after(() => daemon.cleanup());
  const dir = mkdtempSync('/tmp/bt-kube-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const berth: KubeHarness['berth'] = (args, opts = {}) => runBerth(daemon.socket, args, { timeoutMs: opts.timeoutMs ?? 90_000, input: opts.input, env: { BERTH_NO_AUTOSTART: '1' } });
  return {
    d: daemon,
    dir,
    file(name, text) { const p = join(dir, name); writeFileSync(p, text); return p; },
    berth,
    async ok(args, opts) {
      const r = await berth(args, opts);
      if (r.code !== 0) throw new Error(`berth ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
      return r.stdout;
    },
    inNs(cmd) {
      const r = spawnSync('ip', ['netns', 'exec', daemon.netns, ...cmd], { encoding: 'utf8', timeout: 20_000 });
      return { code: r.status ?? 1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
    },
    exec: (container, script) => berth(['exec', container, 'sh', '-c', script], { timeoutMs: 30_000 }),
    async inspect(name) {
      const r = await daemon.api('GET', `/containers/${encodeURIComponent(name)}/json`);
      if (r.status !== 200) throw new Error(`inspect ${name}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
    async names() {
      const r = await daemon.api('GET', '/containers/json?all=1');
      return (r.body as Array<{ Names: string[] }>).map((c) => c.Names[0].replace(/^\//, '')).sort();
    },
  };
}

/** Until `fn` answers true (bounded). */
export async function eventually(fn: () => Promise<boolean> | boolean, ms: number, what: string): Promise<void> {
  await waitFor(async () => { try { return await fn(); } catch { return false; } }, ms, what);
}
