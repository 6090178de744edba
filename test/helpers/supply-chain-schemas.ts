/**
 * Validators for the supply-chain formats berth writes, from the official schemas in
 * ../shared/specs/supply-chain (SPDX 2.3, CycloneDX 1.6 with the SPDX-ID and JSF schemas it refers to,
 * SARIF 2.1.0, OSV). Each returns the schema errors as readable lines (empty when valid).
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv | Ajv2020) => void;
const specs = (name: string): any => JSON.parse(readFileSync(new URL(`../../../shared/specs/supply-chain/${name}`, import.meta.url), 'utf8'));

/** CycloneDX uses two formats ajv-formats lacks; these accept what RFC 3987 and RFC 6531 allow in practice. */
function addCycloneDxFormats(ajv: Ajv): void {
  ajv.addFormat('iri-reference', /^[^\s<>"{}|\\^`]*$/u);
  ajv.addFormat('idn-email', /^[^\s@]+@[^\s@]+$/u);
}

let draft7: Ajv | undefined;
function draft7Ajv(): Ajv {
  if (!draft7) {
    draft7 = new Ajv({ strict: false, allErrors: true });
    addFormats(draft7);
    addCycloneDxFormats(draft7);
    draft7.addSchema(specs('spdx.schema.json'));
    draft7.addSchema(specs('jsf-0.82.schema.json'));
    draft7.addSchema(specs('bom-1.6.schema.json'));
    draft7.addSchema(specs('spdx-2.3.schema.json'));
    // SARIF's schema is draft-04; it uses nothing that differs from draft-07 but `id` for `$id`
    const sarif = specs('sarif-schema-2.1.0.json');
    sarif.$id = sarif.id; delete sarif.id; delete sarif.$schema;
    draft7.addSchema(sarif);
  }
  return draft7;
}

function messages(v: ValidateFunction, doc: unknown): string[] {
  if (v(doc)) return [];
  return (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

export function spdxErrors(doc: unknown): string[] {
  return messages(draft7Ajv().getSchema('http://spdx.org/rdf/terms/2.3')!, doc);
}

export function cycloneDxErrors(doc: unknown): string[] {
  return messages(draft7Ajv().getSchema('http://cyclonedx.org/schema/bom-1.6.schema.json')!, doc);
}

export function sarifErrors(doc: unknown): string[] {
  return messages(draft7Ajv().getSchema('https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json')!, doc);
}

let osv: ValidateFunction | undefined;
export function osvErrors(doc: unknown): string[] {
  if (!osv) {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    osv = ajv.compile(specs('osv-1.6.7.schema.json'));
  }
  return messages(osv, doc);
}
