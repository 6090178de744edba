/**
 * Validation of one file's tree against the compose-spec JSON schema (a copy in this folder, so the
 * product never reads the shared spec tree), with every error of the file reported, each with its
 * file:line:column and key path, worded as compose v2 words them ("services.web additional properties
 * 'imagee' not allowed", "services.web.ports.0.target must be a integer"…).
 *
 * oneOf/anyOf make a JSON-schema validator report one error per failed alternative; as compose-go
 * does, only the most specific alternative is kept (the one that failed deeper than on its type), or,
 * when every alternative failed on the type alone, one "must be a X or Y" error.
 */
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { ComposeLoadError, atPosition } from './errors.js';
import { pathText, type SourceMap } from './yaml-source.js';
import { AJV_OPTIONS } from './schema-options.js';

const require = createRequire(import.meta.url);

let validator: ValidateFunction | null = null;

/**
 * The build precompiles the schema (scripts/compose-spec-validator.mjs) next to this module; from
 * src (the tests) it is compiled here, with the same options. Loaded on first use, synchronously.
 */
function compile(): ValidateFunction {
  if (validator) return validator;
  try {
    const mod = requireValidator();
    validator = mod.default ?? mod;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
    const { Ajv } = require('ajv') as typeof import('ajv');
    // ajv's default meta-schema is draft-07, the spec's own; its $schema id is only informative here
    const { $schema: _draft, ...schema } = require('./compose-spec.json') as Record<string, unknown>;
    validator = new Ajv({ ...AJV_OPTIONS }).compile(schema);
  }
  return validator;
}

/**
 * The precompiled validator sits next to this module (dist/compose/loader/schema.js); in compose's
 * bundle (dist/compose/compose.cjs, where import.meta.url is the bundle's) it is in loader/.
 */
function requireValidator(): { default?: ValidateFunction } & ValidateFunction {
  for (const path of ['./compose-spec-validator.cjs', './loader/compose-spec-validator.cjs']) {
    try {
      return require(path) as { default?: ValidateFunction } & ValidateFunction;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND' || !String((e as Error).message).includes('compose-spec-validator')) throw e;
    }
  }
  throw Object.assign(new Error('compose-spec-validator.cjs not built'), { code: 'MODULE_NOT_FOUND' });
}

interface Issue { path: (string | number)[]; message: string; key?: boolean }

export function validateAgainstSchema(tree: unknown, file: string, map?: SourceMap): void {
  const validate = compile();
  // the validator sees JSON, as compose-go's does (no undefined, no class instances)
  if (validate(JSON.parse(JSON.stringify(tree ?? {})))) return;
  const issues = describe(validate.errors ?? []);
  const placed = issues.map((i) => ({ pos: i.key ? map?.keyAt(i.path) : map?.valueAt(i.path), message: i.message }));
  placed.sort((a, b) => (a.pos?.line ?? 0) - (b.pos?.line ?? 0) || (a.pos?.col ?? 0) - (b.pos?.col ?? 0));
  const unique = [...new Set(placed.map((p) => atPosition(p.pos, file, p.message)))];
  throw new ComposeLoadError('ERR_COMPOSE_INVALID', unique.length === 1 ? `validating ${file}: ${unique[0]}` : `validating ${file}:\n${unique.join('\n')}`);
}

function instancePath(e: ErrorObject): (string | number)[] {
  if (!e.instancePath) return [];
  return e.instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/**
 * Keeps the specific errors of oneOf/anyOf alternatives, drops the rest. An alternative's errors are
 * told by place, not by schema path (alternatives are often `$ref`s, whose errors carry the referenced
 * definition's path): under the value the oneOf judges, an error deeper than a plain type mismatch on
 * the value itself means that alternative matched the shape and is the one to report.
 */
function select(errors: ErrorObject[]): ErrorObject[] {
  let list = [...errors];
  const wrappers = list.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf')
    .sort((a, b) => b.instancePath.length - a.instancePath.length || b.schemaPath.length - a.schemaPath.length);
  for (const w of wrappers) {
    if (!list.includes(w)) continue;
    const under = (e: ErrorObject) => e !== w && (e.instancePath === w.instancePath || e.instancePath.startsWith(`${w.instancePath}/`));
    const branchErrors = list.filter(under);
    const shallow = (e: ErrorObject) => e.instancePath === w.instancePath && (e.keyword === 'type' || e.keyword === 'enum' || e.keyword === 'const' || e.keyword === 'oneOf' || e.keyword === 'anyOf');
    const deep = branchErrors.filter((e) => !shallow(e));
    let keep: ErrorObject[];
    if (branchErrors.length === 0) keep = [w];
    else if (deep.length) keep = deep;
    else {
      const types = [...new Set(branchErrors.filter((e) => e.keyword === 'type').flatMap((e) => [e.params.type as string | string[]].flat().flatMap((t) => t.split(','))))];
      keep = types.length ? [{ ...w, keyword: 'type', params: { type: types } }] : [branchErrors[0]!];
    }
    list = list.filter((e) => e !== w && !branchErrors.includes(e));
    list.push(...keep);
  }
  return list;
}

function typeName(t: string): string { return t === 'object' ? 'mapping' : t === 'array' ? 'array' : t; }

function describe(errors: ErrorObject[]): Issue[] {
  const issues: Issue[] = [];
  const additional = new Map<string, { path: (string | number)[]; props: string[] }>();
  for (const e of select(errors)) {
    const path = instancePath(e);
    const at = pathText(path);
    switch (e.keyword) {
      case 'additionalProperties': {
        const k = e.instancePath;
        const entry = additional.get(k) ?? { path, props: [] };
        entry.props.push(String(e.params.additionalProperty));
        additional.set(k, entry);
        break;
      }
      case 'type': {
        const want = [e.params.type as string | string[]].flat().map(typeName).sort();
        const text = want.length === 1 ? want[0] : `${want.slice(0, -1).join(', ')} or ${want[want.length - 1]}`;
        issues.push({ path, message: `${at} must be a ${text}` });
        break;
      }
      case 'required': issues.push({ path, message: `${at} missing property '${String(e.params.missingProperty)}'` }); break;
      case 'minimum': issues.push({ path, message: `${at} must be greater than or equal to ${String(e.params.limit)}` }); break;
      case 'maximum': issues.push({ path, message: `${at} must be less than or equal to ${String(e.params.limit)}` }); break;
      case 'enum': issues.push({ path, message: `${at} value must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` }); break;
      case 'pattern': issues.push({ path, message: `${at} does not match pattern '${String(e.params.pattern)}'` }); break;
      case 'uniqueItems': issues.push({ path, message: `${at} array items[${String(e.params.j)},${String(e.params.i)}] must be unique` }); break;
      case 'minItems': issues.push({ path, message: `${at} must have at least ${String(e.params.limit)} items` }); break;
      case 'minProperties': issues.push({ path, message: `${at} must have at least ${String(e.params.limit)} properties` }); break;
      case 'oneOf': case 'anyOf': issues.push({ path, message: `${at} must be valid against exactly one schema of the alternatives` }); break;
      case 'not': issues.push({ path, message: `${at} is not allowed here` }); break;
      default: issues.push({ path, message: `${at} ${e.message ?? 'is invalid'}` });
    }
  }
  for (const { path, props } of additional.values()) {
    // the position of the first offending key: where the user has to look
    issues.push({ path: [...path, props[0]!], key: true, message: `${pathText(path)} additional properties ${props.map((p) => `'${p}'`).join(', ')} not allowed` });
  }
  return issues;
}
