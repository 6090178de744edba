/**
 * Parses one compose file into a plain value tree while keeping where each key and value came from
 * (line and column through yaml's LineCounter), so every later step can name file:line:column.
 *
 * The tree is built from the YAML AST by hand rather than with `toJS()`: that is where merge keys
 * (`<<`), the compose-spec's `!reset` / `!override` tags and a bound on alias expansion (a
 * "billion laughs" file must fail, not eat the memory) are handled, and where positions are recorded.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import { ComposeLoadError, type Position } from './errors.js';

/** `!reset`: the key is removed from what earlier files (or an extended service) gave it. */
export class ResetTag { static readonly instance = new ResetTag(); private constructor() {} }
/** `!override`: the value replaces what earlier files gave it instead of merging with it. */
export class OverrideTag { constructor(readonly value: unknown) {} }

export type TreePath = ReadonlyArray<string | number>;
export function pathKey(path: TreePath): string { return path.join('\u0000'); }
/** services.web.ports[0] → "services.web.ports.0", as compose prints key paths */
export function pathText(path: TreePath): string { return path.length ? path.join('.') : '(root)'; }

/** Where the keys and values of one file are. */
export class SourceMap {
  readonly keys = new Map<string, { line: number; col: number }>();
  readonly values = new Map<string, { line: number; col: number }>();
  constructor(readonly file: string) {}

  /** The key of `path` (or its item in a sequence); else the nearest ancestor that has a place. */
  keyAt(path: TreePath): Position | undefined { return this.lookup(path, this.keys, this.values); }
  /** The value at `path`; else its key; else the nearest ancestor. */
  valueAt(path: TreePath): Position | undefined { return this.lookup(path, this.values, this.keys); }
  has(path: TreePath): boolean { return this.keys.has(pathKey(path)) || this.values.has(pathKey(path)); }

  private lookup(path: TreePath, first: Map<string, { line: number; col: number }>, second: Map<string, { line: number; col: number }>): Position | undefined {
    for (let n = path.length; n >= 0; n--) {
      const k = pathKey(path.slice(0, n));
      const p = first.get(k) ?? second.get(k);
      if (p) return { file: this.file, ...p };
    }
    return undefined;
  }
}

export interface ParsedFile { file: string; value: Record<string, unknown>; map: SourceMap }

/** More nodes than this reached through aliases is an alias bomb, not a compose file. */
export const MAX_ALIAS_NODES = 100_000;

/**
 * compose-go's YAML library (go-yaml v3) still reads YAML 1.1 octals: `mode: 0400` is 256, not 400 as
 * YAML 1.2's core schema has it. Tried before the core schema's tags, so only such plain scalars change.
 */
const YAML11_OCTAL = {
  identify: (v: unknown) => typeof v === 'number',
  default: true,
  tag: 'tag:yaml.org,2002:int',
  test: /^[-+]?0[0-7]+$/,
  resolve: (s: string) => (s.startsWith('-') ? -1 : 1) * Number.parseInt(s.replace(/^[-+]/, ''), 8),
};

export function parseComposeYaml(file: string, text: string): ParsedFile {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, merge: true, uniqueKeys: true, prettyErrors: false, customTags: (tags) => [YAML11_OCTAL, ...tags] });
  const map = new SourceMap(file);
  const where = (offset: number) => lineCounter.linePos(offset);
  const list = Array.isArray(docs) ? docs : [docs];
  let merged: Record<string, unknown> = {};
  for (const doc of list) {
    const err = doc.errors[0];
    if (err) {
      const p = where(err.pos[0]);
      throw new ComposeLoadError('ERR_COMPOSE_FILE', `${file}:${p.line}:${p.col}: yaml: ${firstLine(err.message)}`);
    }
    const value = new TreeBuilder(file, doc, map, where).build(doc.contents as Node | null, []);
    if (value === null || value === undefined) continue; // an empty document
    if (typeof value !== 'object' || Array.isArray(value) || value instanceof ResetTag || value instanceof OverrideTag) {
      throw new ComposeLoadError('ERR_COMPOSE_FILE', `${file}: top-level object must be a mapping`);
    }
    // several documents in one file extend each other, as in compose-go
    merged = { ...merged, ...(value as Record<string, unknown>) };
  }
  return { file, value: merged, map };
}

function firstLine(s: string): string { return s.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''); }

class TreeBuilder {
  private aliasNodes = 0;
  private aliasDepth = 0;
  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly map: SourceMap,
    private readonly where: (offset: number) => { line: number; col: number },
  ) {}

  build(node: Node | null | undefined, path: (string | number)[]): unknown {
    if (node === null || node === undefined) return null;
    if (this.aliasDepth > 0 && ++this.aliasNodes > MAX_ALIAS_NODES) {
      const p = node.range ? this.where(node.range[0]) : { line: 0, col: 0 };
      throw new ComposeLoadError('ERR_COMPOSE_FILE',
        `${this.file}:${p.line}:${p.col}: yaml: document expands aliases to more than ${MAX_ALIAS_NODES} nodes (an alias bomb?)`);
    }
    if (node.range && this.aliasDepth === 0) {
      const at = this.where(node.range[0]);
      this.map.values.set(pathKey(path), at);
      // a scalar in a sequence is also found by its text (`networks: [front]` → networks.=front)
      if (isScalar(node) && typeof path[path.length - 1] === 'number') this.map.values.set(pathKey([...path.slice(0, -1), `=${String(node.value)}`]), at);
    }
    const value = this.buildUntagged(node, path);
    const tag = (node as { tag?: string }).tag;
    if (tag === '!reset') return ResetTag.instance;
    if (tag === '!override') return new OverrideTag(value);
    return value;
  }

  private buildUntagged(node: Node, path: (string | number)[]): unknown {
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (!target) throw this.error(node, `unknown anchor '${node.source}' referenced`);
      this.aliasDepth++;
      try { return this.build(target as Node, path); } finally { this.aliasDepth--; }
    }
    if (isScalar(node)) return node.value;
    if (isSeq(node)) return node.items.map((item, i) => this.build(item as Node, [...path, i]));
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const mergeSources: unknown[] = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as Node | null;
        if (isScalar(keyNode) && (typeof keyNode.value === 'symbol' || keyNode.tag === 'tag:yaml.org,2002:merge')) {
          const v = this.build(pair.value as Node, path);
          for (const src of Array.isArray(v) ? v : [v]) mergeSources.push(src);
          continue;
        }
        const key = keyNode === null ? '' : isScalar(keyNode) ? String(keyNode.value) : String(this.build(keyNode, path));
        if (keyNode?.range && this.aliasDepth === 0) this.map.keys.set(pathKey([...path, key]), this.where(keyNode.range[0]));
        setOwn(out, key, this.build(pair.value as Node, [...path, key]));
      }
      // merge keys: explicit keys win; among several sources, the first that has a key wins
      for (const src of mergeSources) {
        if (src === null || typeof src !== 'object' || Array.isArray(src)) throw this.error(node, 'map merge requires map or sequence of maps as the value');
        for (const [k, v] of Object.entries(src)) if (!Object.hasOwn(out, k)) setOwn(out, k, v);
      }
      return out;
    }
    return (node as { toJSON?: () => unknown }).toJSON?.() ?? null;
  }

  private error(node: Node, message: string): ComposeLoadError {
    const p = node.range ? this.where(node.range[0]) : { line: 0, col: 0 };
    return new ComposeLoadError('ERR_COMPOSE_FILE', `${this.file}:${p.line}:${p.col}: yaml: ${message}`);
  }
}

/** Sets a key as an own property, even `__proto__` (plain assignment would change the prototype). */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}
