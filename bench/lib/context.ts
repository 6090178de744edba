/**
 * What cases and probes share during one benchmark run: options, a temporary work directory,
 * the benchmark's network namespace, one berth daemon per build (so busybox is bootstrapped once
 * each), and a cleanup stack that is unwound at the end whatever happened.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions } from './types.js';
import { createNetns, deleteNetns } from './netns.js';
import { startBerth, type BerthUnderTest } from '../peers/berth.js';
import { baselineBuild, CURRENT_BUILD } from '../peers/berth-build.js';

/** Which berth: this checkout's, or the baseline ref's (BENCH_BASELINE_REF). */
export type BerthWhich = 'current' | 'baseline';

export const WORK_DIR_PREFIX = '/tmp/berth-bench-';

export class BenchContext {
  readonly workDir: string;
  private readonly cleanups: { what: string; fn: () => Promise<void> | void }[] = [];
  private netnsName?: string;
  private readonly berths = new Map<BerthWhich, Promise<BerthUnderTest>>();
  private readonly sharedThings = new Map<string, Promise<unknown>>();

  constructor(readonly options: BenchOptions) {
    this.workDir = mkdtempSync(WORK_DIR_PREFIX);
    this.log(`work directory ${this.workDir}`);
    this.onCleanup(`remove ${this.workDir}`, () => rmSync(this.workDir, { recursive: true, force: true }));
  }

  log(msg: string): void { process.stderr.write(`[bench] ${msg}\n`); }

  /** Register an undo step; steps run last-registered first. */
  onCleanup(what: string, fn: () => Promise<void> | void): void { this.cleanups.push({ what, fn }); }

  /** The benchmark's own network namespace (for peers run directly, like crun). */
  netns(): string {
    if (!this.netnsName) {
      const name = createNetns();
      this.log(`created netns ${name}`);
      this.netnsName = name;
      this.onCleanup(`delete netns ${name}`, () => deleteNetns(name));
    }
    return this.netnsName;
  }

  /**
   * A berth daemon under test, started on first use with its own root and namespace: this checkout's,
   * or the baseline's (built first; only with BENCH_BASELINE_REF).
   */
  berth(which: BerthWhich = 'current'): Promise<BerthUnderTest> {
    let p = this.berths.get(which);
    if (!p) {
      p = (async () => {
        const build = which === 'current' ? CURRENT_BUILD : await baselineBuild(this);
        return startBerth(build, join(this.workDir, `daemon-${which}`), (msg) => this.log(msg), (what, fn) => this.onCleanup(what, fn), this.options.runTimeoutMs);
      })();
      p.catch(() => {}); // reported by whoever awaits it
      this.berths.set(which, p);
    }
    return p;
  }

  /**
   * Something several cases use (a peer daemon, a prepared image archive), started on first use;
   * a failed start is remembered, so every case that needs it reports the same reason.
   */
  shared<T>(key: string, start: () => Promise<T>): Promise<T> {
    let p = this.sharedThings.get(key) as Promise<T> | undefined;
    if (!p) {
      p = start();
      p.catch(() => {}); // reported by whoever awaits it
      this.sharedThings.set(key, p);
    }
    return p;
  }

  /** Scale a case's size down in smoke mode (e.g. 1000 containers become a handful). */
  size(full: number, smoke: number): number { return this.options.smoke ? smoke : full; }

  async cleanup(): Promise<void> {
    while (this.cleanups.length) {
      const step = this.cleanups.pop()!;
      try { await step.fn(); } catch (e) { this.log(`cleanup step "${step.what}" failed: ${(e as Error).message}`); }
    }
  }
}
