/**
 * The compose-spec merge rules, applied to the raw trees of several files (and to `extends`):
 * mappings merge key by key; most sequences are appended and then made unique by their key (a port
 * by host ip/published/target/protocol, a volume by its target, `K=V` entries by K…), the later entry
 * replacing the earlier one in place; command, entrypoint and healthcheck.test are replaced; `!reset`
 * removes a value and `!override` replaces it whole.
 */
import { OverrideTag, ResetTag, setOwn, type TreePath } from './yaml-source.js';
import { parseVolumeSpec } from './volume-spec.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof ResetTag) && !(v instanceof OverrideTag);

function matches(path: TreePath, pattern: string[]): boolean {
  if (path.length !== pattern.length) return false;
  return pattern.every((p, i) => p === '*' || p === String(path[i]));
}

type Merger = (base: unknown, over: unknown, path: TreePath) => unknown;

const replace: Merger = (_b, o) => o;
const toSequence: Merger = (b, o) => [...asSequence(b), ...asSequence(o)];
const extraHosts: Merger = (b, o) => { const base = asSequence(b); return [...base, ...asSequence(o).filter((v) => !base.includes(v))]; };
const asMapping = (dflt: Obj | null) => (v: unknown): Obj => {
  if (isObj(v)) return { ...v };
  const out: Obj = {};
  if (Array.isArray(v)) for (const k of v) setOwn(out, String(k), dflt ? { ...dflt } : null);
  return out;
};
const buildMerge: Merger = (b, o, p) => {
  const m = (v: unknown) => (typeof v === 'string' ? { context: v } : isObj(v) ? { ...v } : {});
  return mergeValues(m(b), m(o), p, false);
};
const dependsOnMerge: Merger = (b, o, p) => {
  const m = asMapping({ condition: 'service_started', required: true });
  return mergeValues(m(b), m(o), p, false);
};
const networksMerge: Merger = (b, o, p) => mergeValues(asMapping(null)(b), asMapping(null)(o), p, false);
const loggingMerge: Merger = (b, o, p) => {
  if (!isObj(b) || !isObj(o)) return o;
  if (b.driver === undefined || o.driver === undefined || b.driver === o.driver) return mergeValues(b, o, p, false);
  return o;
};
const ipamConfigMerge: Merger = (b, o) => {
  const out: unknown[] = Array.isArray(b) ? [...b] : [];
  for (const entry of Array.isArray(o) ? o : []) {
    const i = out.findIndex((e) => isObj(e) && isObj(entry) && e.subnet === entry.subnet);
    if (i >= 0 && isObj(out[i]) && isObj(entry)) out[i] = { ...(out[i] as Obj), ...entry };
    else out.push(entry);
  }
  return out;
};

const SPECIAL: Array<[string[], Merger]> = ([
  ['networks.*.ipam.config', ipamConfigMerge], ['networks.*.labels', toSequence], ['volumes.*.labels', toSequence],
  ['services.*.annotations', toSequence], ['services.*.build', buildMerge], ['services.*.build.args', toSequence],
  ['services.*.build.additional_contexts', toSequence], ['services.*.build.extra_hosts', extraHosts],
  ['services.*.build.labels', toSequence], ['services.*.command', replace], ['services.*.depends_on', dependsOnMerge],
  ['services.*.deploy.labels', toSequence], ['services.*.dns', toSequence], ['services.*.dns_opt', toSequence],
  ['services.*.dns_search', toSequence], ['services.*.entrypoint', replace], ['services.*.env_file', toSequence],
  ['services.*.label_file', toSequence], ['services.*.environment', toSequence], ['services.*.extra_hosts', extraHosts],
  ['services.*.healthcheck.test', replace], ['services.*.labels', toSequence], ['services.*.volumes.*.volume.labels', toSequence],
  ['services.*.logging', loggingMerge], ['services.*.networks', networksMerge], ['services.*.sysctls', toSequence],
  ['services.*.tmpfs', toSequence], ['services.*.ulimits.*', replace],
] as Array<[string, Merger]>).map(([p, m]) => [p.split('.'), m]);

/** A mapping as `K=V` entries (sorted), a string as one entry, a sequence as it is. */
function asSequence(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [v];
  if (isObj(v)) {
    const seq: string[] = [];
    for (const [k, val] of Object.entries(v)) {
      if (val === null || val === undefined) seq.push(k);
      else if (Array.isArray(val)) for (const x of val) seq.push(`${k}=${String(x)}`);
      else seq.push(`${k}=${String(val)}`);
    }
    return seq.sort();
  }
  return [];
}

/** Merge `over` into `base` (neither is modified). `top`: the two whole files. */
export function mergeValues(base: unknown, over: unknown, path: TreePath = [], special = true): unknown {
  if (over instanceof OverrideTag) return stripTags(over.value);
  if (over instanceof ResetTag) return undefined;
  if (special) for (const [pattern, merger] of SPECIAL) if (matches(path, pattern)) return merger(base, stripTags(over), path);
  if (over === null || over === undefined) return base;
  if (isObj(base) && isObj(over)) {
    const out: Obj = { ...base };
    for (const [k, v] of Object.entries(over)) {
      if (v instanceof ResetTag) { delete out[k]; continue; }
      if (!Object.hasOwn(out, k)) { const s = stripTags(v); if (s !== undefined) setOwn(out, k, s); continue; }
      const merged = mergeValues(out[k], v, [...path, k]);
      if (merged === undefined) delete out[k]; else setOwn(out, k, merged);
    }
    return out;
  }
  if (Array.isArray(base) && Array.isArray(over)) return [...base, ...(stripTags(over) as unknown[])];
  return stripTags(over);
}

/** The tree without `!reset` values and with `!override` unwrapped: what one file means alone. */
export function stripTags(v: unknown): unknown {
  if (v instanceof ResetTag) return undefined;
  if (v instanceof OverrideTag) return stripTags(v.value);
  if (Array.isArray(v)) return v.filter((x) => !(x instanceof ResetTag)).map(stripTags);
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) { const s = stripTags(x); if (s !== undefined) setOwn(out, k, s); }
    return out;
  }
  return v;
}

/** Merge the files' trees in order, then make the keyed sequences unique. */
export function mergeFiles(trees: Obj[]): Obj {
  let acc: Obj = {};
  for (const t of trees) acc = mergeValues(acc, t, []) as Obj;
  return enforceUnicity(acc, []) as Obj;
}

type Indexer = (v: unknown) => string;
const keyValue: Indexer = (v) => (typeof v === 'string' ? v.split('=')[0]! : JSON.stringify(v));
const volumeIndex: Indexer = (v) => {
  if (isObj(v)) return String(v.target ?? '');
  if (typeof v === 'string') { try { return parseVolumeSpec(v).target; } catch { return v; } }
  return JSON.stringify(v);
};
const mount = (dir: string): Indexer => (v) => {
  if (typeof v === 'string') return `${dir}/${v}`;
  if (isObj(v)) return v.target !== undefined ? String(v.target) : `${dir}/${String(v.source)}`;
  return JSON.stringify(v);
};
const portIndex: Indexer = (v) => {
  if (isObj(v)) return `${String(v.host_ip ?? '0.0.0.0')}:${String(v.published ?? '')}:${String(v.target)}/${String(v.protocol ?? 'tcp')}`;
  return String(v);
};
const envFileIndex: Indexer = (v) => (typeof v === 'string' ? v : isObj(v) ? String(v.path) : JSON.stringify(v));
const deviceIndex: Indexer = (v) => {
  if (isObj(v)) return String(v.target);
  if (typeof v === 'string') { const a = v.split(':'); return a.length === 1 ? a[0]! : a[1]!; }
  return JSON.stringify(v);
};
const plain: Indexer = (v) => (typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v));

const UNIQUE: Array<[string[], Indexer]> = ([
  ['networks.*.labels', keyValue], ['networks.*.ipam.options', keyValue], ['services.*.annotations', keyValue],
  ['services.*.build.args', keyValue], ['services.*.build.additional_contexts', keyValue], ['services.*.build.tags', keyValue],
  ['services.*.build.labels', keyValue], ['services.*.cap_add', keyValue], ['services.*.cap_drop', keyValue],
  ['services.*.configs', mount('')], ['services.*.deploy.labels', keyValue], ['services.*.dns', keyValue],
  ['services.*.dns_opt', keyValue], ['services.*.dns_search', keyValue], ['services.*.environment', keyValue],
  ['services.*.env_file', envFileIndex], ['services.*.expose', plain], ['services.*.labels', keyValue],
  ['services.*.links', keyValue], ['services.*.networks.*.aliases', keyValue], ['services.*.networks.*.link_local_ips', keyValue],
  ['services.*.ports', portIndex], ['services.*.profiles', keyValue], ['services.*.secrets', mount('/run/secrets')],
  ['services.*.sysctls', keyValue], ['services.*.tmpfs', keyValue], ['services.*.volumes', volumeIndex],
  ['services.*.devices', deviceIndex], ['volumes.*.labels', keyValue],
] as Array<[string, Indexer]>).map(([p, i]) => [p.split('.'), i]);

export function enforceUnicity(v: unknown, path: TreePath): unknown {
  if (Array.isArray(v)) {
    const rule = UNIQUE.find(([p]) => matches(path, p));
    if (!rule) return v;
    const out: unknown[] = [];
    const seen = new Map<string, number>();
    for (const entry of v) {
      const key = rule[1](entry);
      const at = seen.get(key);
      if (at !== undefined) out[at] = entry;
      else { seen.set(key, out.length); out.push(entry); }
    }
    return out;
  }
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) setOwn(out, k, enforceUnicity(x, [...path, k]));
    return out;
  }
  return v;
}
