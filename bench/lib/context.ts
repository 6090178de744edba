/**
 * What cases and probes share during one benchmark run: options, a temporary work directory,
 * the benchmark's network namespace, one berth daemon (so busybox is bootstrapped once), and a
 * cleanup stack that is unwound at the end whatever happened.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { BenchOptions } from './types.js';
import { createNetns, deleteNetns } from './netns.js';
import { startBerth, type BerthUnderTest } from '../peers/berth.js';

export const WORK_DIR_PREFIX = '/tmp/berth-bench-';

export class BenchContext {
  readonly workDir: string;
  private readonly cleanups: { what: string; fn: () => Promise<void> | void }[] = [];
  private netnsName?: string;
  private berthPromise?: Promise<BerthUnderTest>;
  private readonly sharedThings = new Map<string, Promise<unknown>>();

  constructor(readonly options: BenchOptions) {
    this.workDir = mkdtempSync(WORK_DIR_PREFIX);
    this.onCleanup(`remove ${this.workDir}`, () => rmSync(this.workDir, { recursive: true, force: true }));
  }

  log(msg: string): void { process.stderr.write(`[bench] ${msg}\n`); }

  /** Register an undo step; steps run last-registered first. */
  onCleanup(what: string, fn: () => Promise<void> | void): void { this.cleanups.push({ what, fn }); }

  /** The benchmark's own network namespace (for peers run directly, like crun). */
  netns(): string {
    if (!this.netnsName) {
      const name = createNetns();
      this.netnsName = name;
      this.onCleanup(`delete netns ${name}`, () => deleteNetns(name));
    }
    return this.netnsName;
  }

  /** The berth daemon under test, started on first use with its own root and namespace. */
  berth(): Promise<BerthUnderTest> {
    if (!this.berthPromise) {
      this.berthPromise = startBerth((msg) => this.log(msg), (what, fn) => this.onCleanup(what, fn), this.options.runTimeoutMs);
    }
    return this.berthPromise;
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
