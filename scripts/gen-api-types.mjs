#!/usr/bin/env node
/**
 * Writes src/common/engine-api/types.ts (TypeScript types of the Engine API's swagger definitions and
 * request bodies) and src/common/engine-api/schemas.ts (the request body schemas the API server checks
 * bodies against) from the Engine API swagger. Run by hand when the swagger changes; the output is
 * committed and test/common/engine-api-types.test.ts fails when it is stale.
 *
 *   node scripts/gen-api-types.mjs [path/to/swagger.yaml]
 *
 * A small generator of our own rather than a package: the npm generators that still read swagger 2.0
 * (swagger-typescript-api, dtsgenerator) pull in dozens of dependencies and emit API clients or
 * namespaces around the types, where berth needs plain interfaces plus a stripped schema it can
 * interpret at run time. The swagger uses a small part of JSON schema (type, properties, items,
 * additionalProperties, enum, allOf, $ref), so this stays short; js-yaml is already a devDependency.
 * The output depends only on the swagger (its order, no dates), so a re-run gives the same bytes.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load as loadYaml } from 'js-yaml';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_SWAGGER = join(ROOT, '..', 'shared', 'specs', 'docker-engine-api', 'swagger-v1.55.yaml');
export const TYPES_OUT = join(ROOT, 'src', 'common', 'engine-api', 'types.ts');
export const SCHEMAS_OUT = join(ROOT, 'src', 'common', 'engine-api', 'schemas.ts');

/** js-yaml 5 refuses flow collections closed at their key's indentation (the swagger's examples do that). */
export function loadSwagger(path) {
  return loadYaml(readFileSync(path, 'utf8').replace(/^(\s*)([}\]])\s*$/gm, '$1  $2'));
}

const refName = (ref) => ref.replace(/^#\/definitions\//, '');
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const key = (k) => (IDENT.test(k) ? k : JSON.stringify(k));

function doc(text, indent) {
  if (typeof text !== 'string' || !text.trim()) return '';
  const lines = text.trim().replace(/\*\//g, '*\\/').split('\n').map((l) => l.replace(/\s+$/, ''));
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => (l ? `${indent} * ${l}` : `${indent} *`)).join('\n')}\n${indent} */\n`;
}

/** The TypeScript type of a swagger schema; `indent` is the indentation of the line it starts on. */
function tsType(s, indent) {
  if (!s || typeof s !== 'object') return 'unknown';
  let t = tsTypeBare(s, indent);
  if (s['x-nullable'] === true && t !== 'unknown') t = `${t} | null`;
  return t;
}

function tsTypeBare(s, indent) {
  if (s.$ref) return refName(s.$ref);
  if (s.allOf) {
    const parts = s.allOf.map((p) => tsType(p, indent));
    return parts.length === 1 ? parts[0] : parts.map((p) => (p.includes('|') ? `(${p})` : p)).join(' & ');
  }
  if (Array.isArray(s.enum) && (s.type === 'string' || s.type === 'integer' || s.type === 'number')) {
    return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  }
  switch (s.type) {
    case 'string': return 'string';
    case 'integer': case 'number': return 'number';
    case 'boolean': return 'boolean';
    case 'array': {
      const item = tsType(s.items, indent);
      return /[|&]/.test(item) ? `Array<${item}>` : `${item}[]`;
    }
    case 'object': case undefined: {
      if (s.type === undefined && !s.properties && s.additionalProperties === undefined) return 'unknown';
      return objectType(s, indent);
    }
    default: return 'unknown';
  }
}

function objectType(s, indent) {
  const inner = indent + '  ';
  const required = new Set(s.required ?? []);
  const props = Object.entries(s.properties ?? {});
  const ap = s.additionalProperties;
  const mapValue = ap === undefined || ap === false ? undefined : ap === true || Object.keys(ap).length === 0 ? 'unknown' : tsType(ap, inner);
  if (props.length === 0) return `{ [key: string]: ${mapValue ?? 'unknown'} }`;
  let out = '{\n';
  for (const [name, p] of props) {
    out += doc(p?.description, inner);
    out += `${inner}${key(name)}${required.has(name) ? '' : '?'}: ${tsType(p, inner)};\n`;
  }
  // properties next to a map of other keys: the index signature takes any value the properties may hold
  if (mapValue) out += `${inner}[key: string]: unknown;\n`;
  return `${out}${indent}}`;
}

/** Operations whose request body is a JSON document, with the name its type gets. */
export function requestBodies(sw) {
  const out = [];
  for (const [path, ops] of Object.entries(sw.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const body = (op.parameters ?? []).find((p) => p.in === 'body');
      const schema = body?.schema;
      if (!schema || schema.type === 'string' || schema.format === 'binary') continue; // tar archives, raw bytes
      const title = schema.title && !sw.definitions[schema.title] ? schema.title : undefined;
      const name = schema.$ref ? refName(schema.$ref) : title ?? `${op.operationId}Request`;
      out.push({ method: method.toUpperCase(), path, operationId: op.operationId, name, schema, alias: !schema.$ref });
    }
  }
  return out;
}

export function generateTypes(sw, source) {
  let out = `/**
 * Types of the Docker Engine API ${sw.info.version}, generated from ${source} by
 * scripts/gen-api-types.mjs. Do not edit: change the generator or the swagger and re-run it.
 */
/* eslint-disable */
`;
  for (const [name, s] of Object.entries(sw.definitions)) {
    out += '\n' + doc(s.description, '');
    const t = tsType(s, '');
    out += t.startsWith('{\n') && t.endsWith('}') ? `export interface ${name} ${t}\n` : `export type ${name} = ${t};\n`;
  }
  out += '\n// Request bodies of the operations that take JSON, named by their swagger title or operation.\n';
  const bodies = requestBodies(sw);
  for (const b of bodies.filter((x) => x.alias)) {
    out += `\n/** Body of ${b.method} ${b.path} (${b.operationId}) */\n`;
    out += `export type ${b.name} = ${tsType(b.schema, '')};\n`;
  }
  out += '\n/** Each JSON request body by its operation ID. */\nexport interface RequestBodies {\n';
  for (const b of bodies) out += `  ${b.operationId}: ${b.name};\n`;
  out += '}\n';
  return out;
}

/** The part of a schema the body check reads: types, properties, items, maps, enums, allOf and $ref by name. */
function strip(s) {
  if (!s || typeof s !== 'object') return {};
  const out = {};
  if (s.$ref) out.$ref = refName(s.$ref);
  if (s.allOf) out.allOf = s.allOf.map(strip);
  if (s.type) out.type = s.type;
  if (Array.isArray(s.enum)) out.enum = s.enum;
  if (s.properties) out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, strip(v)]));
  if (s.items) out.items = strip(s.items);
  if (s.additionalProperties && typeof s.additionalProperties === 'object' && Object.keys(s.additionalProperties).length) out.additionalProperties = strip(s.additionalProperties);
  return out;
}

function refsOf(s, into) {
  if (!s || typeof s !== 'object') return;
  if (Array.isArray(s)) { for (const x of s) refsOf(x, into); return; }
  for (const [k, v] of Object.entries(s)) {
    if (k === '$ref' && typeof v === 'string') into.push(v);
    else refsOf(v, into);
  }
}

export function generateSchemas(sw, source) {
  const bodies = requestBodies(sw);
  // the definitions reachable from request bodies, in swagger order
  const reach = new Set();
  const queue = [];
  for (const b of bodies) refsOf(strip(b.schema), queue);
  while (queue.length) {
    const name = queue.shift();
    if (reach.has(name)) continue;
    reach.add(name);
    refsOf(strip(sw.definitions[name]), queue);
  }
  const definitions = Object.fromEntries(Object.keys(sw.definitions).filter((n) => reach.has(n)).map((n) => [n, strip(sw.definitions[n])]));
  const requests = Object.fromEntries(bodies.map((b) => [b.operationId, strip(b.schema)]));
  return `/**
 * Request body schemas of the Docker Engine API ${sw.info.version}, generated from ${source} by
 * scripts/gen-api-types.mjs: the swagger's schemas cut to what a body check reads (no descriptions,
 * examples or formats). Do not edit: change the generator or the swagger and re-run it.
 */
/* eslint-disable */

/** A swagger 2.0 schema cut down; $ref holds a definition's name. */
export interface ApiSchema {
  $ref?: string;
  allOf?: ApiSchema[];
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'file';
  enum?: unknown[];
  properties?: { [name: string]: ApiSchema };
  items?: ApiSchema;
  additionalProperties?: ApiSchema;
}

/** Definitions that request bodies refer to, by name. */
export const DEFINITIONS: { [name: string]: ApiSchema } = ${JSON.stringify(definitions, null, 2)};

/** Each JSON request body's schema by its operation ID. */
export const REQUEST_BODY_SCHEMAS: { [operationId: string]: ApiSchema } = ${JSON.stringify(requests, null, 2)};
`;
}

export function generate(swaggerPath = DEFAULT_SWAGGER) {
  const sw = loadSwagger(swaggerPath);
  const source = relative(ROOT, swaggerPath).replace(/^(\.\.\/)+shared\//, 'shared/');
  return { types: generateTypes(sw, source), schemas: generateSchemas(sw, source) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { types, schemas } = generate(process.argv[2] ?? DEFAULT_SWAGGER);
  mkdirSync(dirname(TYPES_OUT), { recursive: true });
  writeFileSync(TYPES_OUT, types);
  writeFileSync(SCHEMAS_OUT, schemas);
  console.log(`wrote ${relative(ROOT, TYPES_OUT)} and ${relative(ROOT, SCHEMAS_OUT)}`);
}
