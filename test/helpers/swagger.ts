/**
 * The Engine API swagger (v1.55) as JSON schema validators for tests. js-yaml 5 refuses flow
 * collections closed at their key's indentation (the swagger's examples do that): indent those lines.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { load as loadYaml } from 'js-yaml';

export const SWAGGER_PATH = fileURLToPath(new URL('../../../shared/specs/docker-engine-api/swagger-v1.55.yaml', import.meta.url));

let cached: any;
export function swagger(): any {
  cached ??= loadYaml(readFileSync(SWAGGER_PATH, 'utf8').replace(/^(\s*)([}\]])\s*$/gm, '$1  $2'));
  return cached;
}

/**
 * Swagger 2 -> JSON schema: x-nullable becomes a null alternative. Docker's daemon (Go) encodes nil
 * slices and maps as null whatever the swagger says (image Config.Entrypoint, Labels, ...), and
 * clients accept that: arrays and maps nested in objects may be null too.
 */
function nullable(node: any, nested = false): any {
  if (Array.isArray(node)) return node.map((n) => nullable(n, nested));
  if (!node || typeof node !== 'object') return node;
  const out: any = {};
  for (const [k, v] of Object.entries(node)) out[k] = nullable(v, k === 'properties' || k === 'items' || (nested && k !== 'definitions'));
  const goNil = nested && (out.type === 'array' || (out.type === 'object' && out.additionalProperties !== undefined && !out.properties));
  if (out['x-nullable'] === true || goNil) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (out.$ref) return { anyOf: [{ $ref: out.$ref }, { type: 'null' }] };
  }
  return out;
}

let ajv: Ajv | undefined;
function compiler(): Ajv {
  if (!ajv) {
    ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    ajv.addSchema({ $id: 'swagger', definitions: nullable(swagger().definitions) });
  }
  return ajv;
}

/** Validator for an operation's response body schema (local $refs point into the swagger). */
export function responseValidator(method: string, path: string, status: number): ValidateFunction | undefined {
  const op = swagger().paths[path]?.[method.toLowerCase()];
  const schema = op?.responses?.[status]?.schema;
  if (!schema) return undefined;
  const rewritten = JSON.parse(JSON.stringify(nullable(schema)).replace(/"#\/definitions\//g, '"swagger#/definitions/'));
  return compiler().compile(rewritten);
}

export interface Operation { method: string; path: string; operationId: string; tag: string }

/** The single-host operations: tags Container, Image, Exec, System, Network, Volume, Distribution. */
export function singleHostOperations(): Operation[] {
  const tags = new Set(['Container', 'Image', 'Exec', 'System', 'Network', 'Volume', 'Distribution']);
  const out: Operation[] = [];
  for (const [path, ops] of Object.entries<any>(swagger().paths)) {
    for (const [method, op] of Object.entries<any>(ops)) {
      if (!op?.tags || !tags.has(op.tags[0])) continue;
      out.push({ method: method.toUpperCase(), path, operationId: op.operationId, tag: op.tags[0] });
    }
  }
  return out;
}
