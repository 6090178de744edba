/**
 * Checks a request body against its Engine API schema (schemas.ts, generated from the swagger) the way
 * dockerd's Go decoder would take it, and says where the first problem is.
 *
 * An interpreter of the few schema keywords the swagger uses rather than ajv's generated code: the
 * checks must follow Go's decoding, not JSON schema's, and that is easier said here once than patched
 * into hundreds of generated schemas:
 * - null is accepted everywhere (Go decodes it to the zero value; clients send `"Env": null`);
 * - unknown fields are accepted (Go ignores them; older and newer clients send fields of other versions);
 * - only type, nesting and string enums are checked, not formats, ranges or lengths: the engine
 *   refuses bad values later with dockerd's own wording;
 * - an empty string is accepted for every string enum (Go's zero value, which dockerd reads as "default").
 */
import { InvalidArgumentError } from '../errors.js';
import { DEFINITIONS, REQUEST_BODY_SCHEMAS, type ApiSchema } from './schemas.js';
import type { RequestBodies } from './types.js';

/** Nesting allowed in a body: Engine API bodies go about 6 deep; a deeper one is an attack or a bug. */
export const MAX_BODY_DEPTH = 64;

export interface BodyProblem {
  /** where, as `HostConfig.Binds[0]` ('' for the body itself) */
  path: string;
  /** what is wrong, as `must be string` */
  message: string;
}

/**
 * Fields whose Go type decodes more than the swagger says, by definition (or operation) name and the
 * field's path in it. A StrSlice (Cmd, Entrypoint, Shell, CapAdd, CapDrop) takes a string or a list.
 */
const STRING_OR_LIST = new Set([
  'ContainerConfig.Cmd', 'ContainerConfig.Entrypoint', 'ContainerConfig.Shell',
  'HostConfig.CapAdd', 'HostConfig.CapDrop',
  // the exec's Cmd is a list in Go, but the swagger documents a string too; the route says what is missing
  'ContainerExec.Cmd',
]);

/** String enums that are open sets in practice: log driver plugins register more names. */
const OPEN_ENUMS = new Set(['HostConfig.LogConfig.Type']);

type Segment = string | number;

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `HostConfig.Binds[0]`, `ExposedPorts["80/tcp"]` */
export function formatPath(segments: readonly Segment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (PLAIN_KEY.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The first place where `value` nests deeper than `max` objects and arrays, walked without recursion
 * so that a hostile body cannot exhaust the stack here either.
 */
export function findTooDeep(value: unknown, max = MAX_BODY_DEPTH): BodyProblem | undefined {
  const stack: Array<{ v: unknown; depth: number; path: Segment[] }> = [{ v: value, depth: 0, path: [] }];
  while (stack.length) {
    const { v, depth, path } = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= max) {
      // the path itself may be thousands of segments long: name where it starts
      const shown = path.slice(0, 8);
      return { path: formatPath(shown) + (path.length > shown.length ? '…' : ''), message: `nests deeper than ${max} levels` };
    }
    const entries: Array<[Segment, unknown]> = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
    for (let i = entries.length - 1; i >= 0; i--) stack.push({ v: entries[i][1], depth: depth + 1, path: [...path, entries[i][0]] });
  }
  return undefined;
}

interface Where {
  path: Segment[];
  /** the definition (or operation) the value sits in, and the field path inside it */
  owner: string;
  local: string[];
}

function describe(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
}

function check(v: unknown, s: ApiSchema, at: Where): BodyProblem | undefined {
  if (v === null || v === undefined) return undefined;
  if (s.$ref) {
    const def = DEFINITIONS[s.$ref];
    return def ? check(v, def, { path: at.path, owner: s.$ref, local: [] }) : undefined;
  }
  for (const part of s.allOf ?? []) {
    const p = check(v, part, at);
    if (p) return p;
  }
  const field = `${at.owner}.${at.local.join('.')}`;
  if (typeof v === 'string' && STRING_OR_LIST.has(field)) return undefined;
  const fail = (message: string): BodyProblem => ({ path: formatPath(at.path), message });
  const type = s.type ?? (s.properties || s.additionalProperties ? 'object' : undefined);
  switch (type) {
    case 'object': {
      if (!isObject(v)) return fail(`must be object, not ${describe(v)}`);
      for (const [k, x] of Object.entries(v)) {
        const known = s.properties && Object.hasOwn(s.properties, k) ? s.properties[k] : undefined;
        const sub = known ?? s.additionalProperties;
        if (!sub) continue; // unknown fields are Go's to ignore
        // a map's keys are data, not field names: they stay out of the field path the leniency tables use
        const p = check(x, sub, { path: [...at.path, k], owner: at.owner, local: [...at.local, known ? k : '*'] });
        if (p) return p;
      }
      return undefined;
    }
    case 'array':
      if (!Array.isArray(v)) return fail(`must be array, not ${describe(v)}`);
      if (s.items) {
        for (let i = 0; i < v.length; i++) {
          const p = check(v[i], s.items, { path: [...at.path, i], owner: at.owner, local: [...at.local, '[]'] });
          if (p) return p;
        }
      }
      return undefined;
    case 'string':
      if (typeof v !== 'string') return fail(`must be string, not ${describe(v)}`);
      if (s.enum && v !== '' && !OPEN_ENUMS.has(field) && !s.enum.includes(v)) {
        return fail(`must be one of ${s.enum.filter((x) => x !== '').map((x) => JSON.stringify(x)).join(', ')}, not ${JSON.stringify(v)}`);
      }
      return undefined;
    case 'integer':
      return Number.isInteger(v) ? undefined : fail(typeof v === 'number' ? 'must be an integer' : `must be integer, not ${describe(v)}`);
    case 'number':
      return typeof v === 'number' ? undefined : fail(`must be number, not ${describe(v)}`);
    case 'boolean':
      return typeof v === 'boolean' ? undefined : fail(`must be boolean, not ${describe(v)}`);
    default:
      return undefined;
  }
}

/**
 * The first problem of a request body for an operation (e.g. 'ContainerCreate'), or undefined.
 * `depthChecked`: the caller has run findTooDeep on it already.
 */
export function checkRequestBody(operationId: keyof RequestBodies, body: unknown, opts: { depthChecked?: boolean } = {}): BodyProblem | undefined {
  const schema = REQUEST_BODY_SCHEMAS[operationId];
  if (!schema) throw new Error(`no request body schema for operation ${operationId}`);
  return (opts.depthChecked ? undefined : findTooDeep(body)) ?? check(body, schema, { path: [], owner: operationId, local: [] });
}

function refuse(problem: BodyProblem): never {
  throw new InvalidArgumentError(`invalid JSON body: ${problem.path ? `${problem.path}: ` : ''}${problem.message}`, 'ERR_BAD_BODY');
}

/** An InvalidArgumentError (400) when `body` nests deeper than MAX_BODY_DEPTH. */
export function assertBodyDepth(body: unknown): void {
  const problem = findTooDeep(body);
  if (problem) refuse(problem);
}

/**
 * `body` as its operation's type, or an InvalidArgumentError (400) naming the field:
 * `invalid JSON body: HostConfig.Binds[0]: must be string, not number`.
 */
export function assertRequestBody<K extends keyof RequestBodies>(operationId: K, body: unknown, opts: { depthChecked?: boolean } = {}): asserts body is RequestBodies[K] {
  const problem = checkRequestBody(operationId, body, opts);
  if (problem) refuse(problem);
}
