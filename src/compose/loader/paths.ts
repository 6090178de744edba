/**
 * Relative paths of one file's tree made absolute against its base directory (the project directory
 * for -f files, the included project's directory for `include`, the other file's directory for
 * `extends: {file}`), before trees from different places are merged; `~` is the user's home.
 */
import { isAbsolute, resolve } from 'node:path';
import { OverrideTag, ResetTag } from './yaml-source.js';
import { isFilePath, parseVolumeSpec } from './volume-spec.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof ResetTag) && !(v instanceof OverrideTag);

export function expandHome(p: string, home: string | undefined): string {
  if (home && (p === '~' || p.startsWith('~/'))) return home + p.slice(1);
  return p;
}

export function absPath(p: string, base: string, home: string | undefined): string {
  const h = expandHome(p, home);
  return isAbsolute(h) ? h : resolve(base, h);
}

/** A build context that is a URL (git, http) stays as written. */
export function isRemoteContext(c: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(c) || c.startsWith('git@') || c.startsWith('github.com/');
}

/** Acts on a value that may be wrapped in `!override`. */
function mapTagged(v: unknown, f: (x: unknown) => unknown): unknown {
  return v instanceof OverrideTag ? new OverrideTag(f(v.value)) : f(v);
}

export function resolveTreePaths(tree: Obj, base: string, home: string | undefined): Obj {
  const abs = (p: unknown) => (typeof p === 'string' ? absPath(p, base, home) : p);
  const services = tree.services;
  if (isObj(services)) {
    for (const svc of Object.values(services)) {
      if (!isObj(svc)) continue;
      if (svc.build !== undefined) svc.build = mapTagged(svc.build, (b) => {
        if (typeof b === 'string') return isRemoteContext(b) ? b : abs(b);
        if (isObj(b)) {
          const ctx = typeof b.context === 'string' ? b.context : '.';
          const out: Obj = { ...b, context: isRemoteContext(ctx) ? ctx : abs(ctx) };
          if (isObj(b.additional_contexts)) {
            out.additional_contexts = Object.fromEntries(Object.entries(b.additional_contexts).map(([k, v]) =>
              [k, typeof v === 'string' && !isRemoteContext(v) && !v.includes(':') ? abs(v) : v]));
          }
          return out;
        }
        return b;
      });
      if (svc.env_file !== undefined) svc.env_file = mapTagged(svc.env_file, (e) => {
        const one = (x: unknown) => (typeof x === 'string' ? abs(x) : isObj(x) ? { ...x, path: abs(x.path) } : x);
        return Array.isArray(e) ? e.map(one) : one(e);
      });
      if (svc.label_file !== undefined) svc.label_file = mapTagged(svc.label_file, (e) => (Array.isArray(e) ? e.map(abs) : abs(e)));
      if (Array.isArray(svc.volumes)) svc.volumes = svc.volumes.map((v) => resolveVolume(v, base, home));
      if (isObj(svc.develop) && Array.isArray(svc.develop.watch)) {
        svc.develop = { ...svc.develop, watch: svc.develop.watch.map((w) => (isObj(w) ? { ...w, path: abs(w.path) } : w)) };
      }
    }
  }
  for (const kind of ['secrets', 'configs']) {
    const objs = tree[kind];
    if (!isObj(objs)) continue;
    for (const o of Object.values(objs)) if (isObj(o) && typeof o.file === 'string') o.file = abs(o.file);
  }
  return tree;
}

/** A bind's source made absolute; a short spec with a relative source is written long to carry it. */
function resolveVolume(v: unknown, base: string, home: string | undefined): unknown {
  if (typeof v === 'string') {
    let spec;
    try { spec = parseVolumeSpec(v); } catch { return v; } // schema/normalisation reports it
    if (spec.type !== 'bind' || spec.source === undefined) return v;
    const source = absPath(spec.source, base, home);
    return source === spec.source ? v : { ...spec, source };
  }
  if (isObj(v) && v.type === 'bind' && typeof v.source === 'string' && isFilePath(v.source)) {
    return { ...v, source: absPath(v.source, base, home) };
  }
  if (isObj(v) && v.type === 'bind' && typeof v.source === 'string' && !isAbsolute(v.source)) {
    return { ...v, source: absPath(v.source, base, home) };
  }
  return v;
}
