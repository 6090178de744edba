/**
 * The shape of one audit check and the helpers that turn a check's verdicts into findings.
 * A check is one CIS-style item; it looks at the host once, or at every image or container.
 */
import type { Engine } from '../engine/engine.js';
import type { ContainerRecord } from '../record/container-store.js';
import type { ImageRecord } from '../image/image-store.js';
import type { AuditFinding, AuditStatus } from './types.js';
import type { DaemonFacts, HostPaths } from './facts.js';
import type { ProcessTable } from './processes.js';

export interface CheckDef {
  /** CIS Docker Benchmark (v1.6) ID, or `B<section>.<n>` for berth's own additions */
  id: string;
  section: number;
  /** CIS wording, adapted to berth */
  title: string;
  /** the flag or daemon.json key that fixes it */
  remediation: string;
}

export interface AuditContext {
  engine: Engine;
  facts: DaemonFacts;
  host: HostPaths;
  root: string;
  runRoot: string;
  containers: ContainerRecord[];
  images: ImageRecord[];
  /** every container (for counts and in-use images), also when the audit is limited to one */
  allContainers: ContainerRecord[];
  /** the processes of the host, read once on first use */
  processes(): ProcessTable;
}

/** One verdict of a check; `error` when the check could not look (an unreadable path). */
export type Verdict =
  | { status: AuditStatus; details?: string; target?: string }
  | { error: string; target?: string };

export interface AuditCheck extends CheckDef {
  /** host checks run once and are left out of a one-container audit */
  scope: 'host' | 'image' | 'container';
  run(ctx: AuditContext): Promise<Verdict[]> | Verdict[];
}

export const pass = (details?: string, target?: string): Verdict => ({ status: 'PASS', details, target });
export const warn = (details?: string, target?: string): Verdict => ({ status: 'WARN', details, target });
export const info = (details?: string, target?: string): Verdict => ({ status: 'INFO', details, target });
export const note = (details?: string, target?: string): Verdict => ({ status: 'NOTE', details, target });

export function toFinding(def: CheckDef, v: { status: AuditStatus; details?: string; target?: string }): AuditFinding {
  return {
    id: def.id, section: def.section, title: def.title, status: v.status,
    ...(v.details ? { details: v.details } : {}),
    ...(v.target ? { target: v.target } : {}),
    remediation: def.remediation,
  };
}

export function hostCheck(def: CheckDef, run: (ctx: AuditContext) => Promise<Verdict | Verdict[]> | Verdict | Verdict[]): AuditCheck {
  return {
    ...def, scope: 'host',
    async run(ctx) { const v = await run(ctx); return Array.isArray(v) ? v : [v]; },
  };
}

/** A verdict per container; a container whose look fails is an error for that container only. */
export function containerCheck(def: CheckDef, test: (c: ContainerRecord, ctx: AuditContext) => Verdict): AuditCheck {
  return {
    ...def, scope: 'container',
    run(ctx) {
      if (ctx.containers.length === 0) return [info('no containers')];
      return ctx.containers.map((c) => {
        try { const v = test(c, ctx); return { ...v, target: v.target ?? c.name }; } catch (e) { return { error: (e as Error).message, target: c.name }; }
      });
    },
  };
}

/** A verdict per image. */
export function imageCheck(def: CheckDef, test: (img: ImageRecord, ctx: AuditContext) => Verdict): AuditCheck {
  return {
    ...def, scope: 'image',
    run(ctx) {
      if (ctx.images.length === 0) return [info('no images')];
      return ctx.images.map((img) => {
        const target = imageName(img);
        try { const v = test(img, ctx); return { ...v, target: v.target ?? target }; } catch (e) { return { error: (e as Error).message, target }; }
      });
    },
  };
}

/** An image's first tag in its familiar form (busybox:latest), else its short ID. */
export function imageName(img: ImageRecord): string {
  const tag = img.repoTags[0];
  if (!tag) return img.id.slice(7, 19);
  return tag.replace(/^docker\.io\/library\//, '').replace(/^docker\.io\//, '');
}
