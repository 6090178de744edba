/** A validator for the OASIS SARIF 2.1.0 schema in ../shared/specs. */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';

const SARIF_SCHEMA = new URL('../../../shared/specs/supply-chain/sarif-schema-2.1.0.json', import.meta.url);

/** Not a type guard (ajv's is), so a validated log keeps its type in the tests. */
export function sarifValidator(): { (data: unknown): boolean; errors?: unknown[] | null } {
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  // the schema is draft-04 (`id`, not `$id`); nothing else in it reads differently under ajv's default draft
  const { id, $schema: _draft, ...schema } = JSON.parse(readFileSync(SARIF_SCHEMA, 'utf8'));
  return ajv.compile({ $id: id, ...schema });
}

