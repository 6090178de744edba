/**
 * Helpers for the scan tests: real-schema OSV advisories, checked against the OSV schema in
 * ../shared/specs before a test uses them, so the tests never feed the importer something osv.dev would not.
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import type { OsvAdvisory } from '../../src/scan/osv/types.js';

const schema = JSON.parse(readFileSync(new URL('../../../shared/specs/supply-chain/osv-1.6.7.schema.json', import.meta.url), 'utf8'));
// the schema's `format: uri`/date-time are not needed for shape; strict off because it uses keywords ajv warns on
const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ strict: false, allErrors: true, validateFormats: false });
const validate = ajv.compile(schema);

/** Throws unless the advisory is valid OSV per the official schema. */
export function assertOsv(a: unknown): void {
  if (!validate(a)) throw new Error(`fixture is not valid OSV: ${JSON.stringify(a).slice(0, 200)} ${ajv.errorsText(validate.errors)}`);
}

export function osv(partial: Partial<OsvAdvisory> & { id: string }): OsvAdvisory {
  const a: OsvAdvisory = { schema_version: '1.6.0', modified: '2026-01-01T00:00:00Z', ...partial };
  assertOsv(a);
  return a;
}

/** An advisory for one package with one ECOSYSTEM range. */
export function rangeAdvisory(id: string, ecosystem: string, name: string, events: Array<Record<string, string>>, extra: Partial<OsvAdvisory> = {}): OsvAdvisory {
  return osv({ id, affected: [{ package: { ecosystem, name }, ranges: [{ type: 'ECOSYSTEM', events }] }], ...extra });
}

export function writeAdvisories(dir: string, advisories: OsvAdvisory[]): void {
  mkdirSync(dir, { recursive: true });
  for (const a of advisories) writeFileSync(join(dir, `${a.id}.json`), JSON.stringify(a, null, 2));
}
