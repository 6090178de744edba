/**
 * Kubernetes YAML in, with positions: each document of a (multi-document) file keeps its parsed node
 * tree, so that an error or a warning about any field names the file, the line and the field's path
 * (`spec.containers[0].image`), as kubectl's own validation messages do.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import { BerthError, type ErrorCode } from '../common/errors.js';

export type FieldPath = Array<string | number>;

/** `spec.containers[0].image` */
export function fieldName(path: FieldPath): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : (s ? `.${p}` : p);
  return s || '(document)';
}

/** Bad input: the message names the file, the line and the field (exit 125: a usage error, as Docker's). */
export class KubeInputError extends BerthError {
  constructor(readonly file: string, readonly line: number, readonly field: string, detail: string, code: ErrorCode = 'ERR_KUBE_YAML') {
    super(`${file}:${line}: ${field}: ${detail}`, { code, status: 400, exitCode: 125 });
  }
}

/** One document of a file: the plain object and where each of its fields is. */
export class KubeDocument {
  constructor(readonly file: string, readonly index: number, readonly object: any,
    private readonly doc: Document | null, private readonly lines: LineCounter, private readonly startLine: number,
    /** where this object is inside the document (a List's item: ['items', 3]) */
    private readonly base: FieldPath = []) {}

  /** A List's item as a document of its own, its positions still those of the file. */
  child(object: any, base: FieldPath): KubeDocument {
    return new KubeDocument(this.file, this.index, object, this.doc, this.lines, this.startLine, [...this.base, ...base]);
  }

  /** The 1-based line of the field at `path` (of its key, for a mapping entry); the nearest parent's when absent. */
  lineOf(relative: FieldPath): number {
    const path = [...this.base, ...relative];
    let node: unknown = this.doc?.contents;
    let offset = this.doc?.contents?.range?.[0];
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === seg);
        if (!pair) break;
        offset = (pair.key as Node).range?.[0] ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
        node = node.items[seg];
        offset = (node as Node).range?.[0] ?? offset;
      } else break;
    }
    return offset === undefined ? this.startLine : this.lines.linePos(offset).line;
  }

  error(path: FieldPath, detail: string, code: ErrorCode = 'ERR_KUBE_FIELD'): KubeInputError {
    return new KubeInputError(this.file, this.lineOf(path), fieldName([...this.base, ...path]), detail, code);
  }

  /** `file:line: field` for warnings */
  where(path: FieldPath): string {
    return `${this.file}:${this.lineOf(path)}: ${fieldName([...this.base, ...path])}`;
  }
}

/** Every non-empty document of `text`; a YAML syntax error is a KubeInputError at its line. */
export function parseKubeYaml(text: string, file: string): KubeDocument[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  // a stream that is not YAML at all comes back as an EmptyStream with errors
  const list = Array.isArray(docs) ? docs : [];
  const out: KubeDocument[] = [];
  for (const [i, doc] of list.entries()) {
    const err = doc.errors[0];
    if (err) {
      const line = err.linePos?.[0]?.line ?? lines.linePos(err.pos[0]).line;
      const field = fieldName(pathAt(doc, err.pos[0]));
      throw new KubeInputError(file, line, field, `malformed YAML: ${err.message.split('\n')[0]}`, 'ERR_KUBE_YAML');
    }
    if (doc.contents === null) continue;
    const startLine = lines.linePos(doc.contents.range?.[0] ?? 0).line;
    const object = doc.toJS({ maxAliasCount: 100 });
    if (object === null || object === undefined) continue;
    out.push(new KubeDocument(file, i, object, doc, lines, startLine));
  }
  if (!Array.isArray(docs)) {
    const e = (docs as { errors?: Array<{ message: string; linePos?: Array<{ line: number }> }> }).errors?.[0];
    if (e) throw new KubeInputError(file, e.linePos?.[0]?.line ?? 1, '(document)', `malformed YAML: ${e.message.split('\n')[0]}`);
  }
  return out;
}

/** The deepest key path whose node holds `offset` (the field a syntax error is in). */
function pathAt(doc: Document, offset: number): FieldPath {
  const path: FieldPath = [];
  let node: unknown = doc.contents;
  for (let depth = 0; depth < 64; depth++) {
    let next: unknown;
    if (isMap(node)) {
      for (const p of node.items) {
        const k = p.key as Node | null;
        const v = p.value as Node | null;
        const start = k?.range?.[0] ?? v?.range?.[0];
        const end = v?.range?.[2] ?? k?.range?.[2];
        if (start !== undefined && end !== undefined && offset >= start && offset <= end) {
          path.push(isScalar(k) ? String(k.value) : '?');
          next = v;
          break;
        }
      }
    } else if (isSeq(node)) {
      for (const [i, item] of node.items.entries()) {
        const r = (item as Node | null)?.range;
        if (r && offset >= r[0] && offset <= r[2]) { path.push(i); next = item; break; }
      }
    }
    if (next === undefined) break;
    node = next;
  }
  return path;
}

