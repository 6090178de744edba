/**
 * License strings as catalogers found them, turned into what SPDX and CycloneDX accept: valid SPDX
 * expressions stay as they are; anything else (free text from a copyright file, `Apache 2`) becomes a
 * `LicenseRef-` whose text is the original, so no information is lost and the documents stay valid.
 */
import { isValidSpdx, licenseRef } from '../licenses.js';

/** Parsed answers by text: an image's thousands of packages share a few dozen license strings. */
const valid = new Map<string, boolean>();

export function isSpdxExpression(text: string): boolean {
  let v = valid.get(text);
  if (v === undefined) {
    v = isValidSpdx(text);
    if (valid.size < 10_000) valid.set(text, v);
  }
  return v;
}

/** One license (with an optional `WITH` exception): a valid expression without a conjunction. */
export function isSimpleLicense(text: string): boolean {
  return isSpdxExpression(text) && !/\s(AND|OR)\s/i.test(text);
}

export interface LicenseTerms {
  /** one SPDX expression for all the package's licenses (they all apply: joined with AND) */
  expression: string;
  /** each free-text license and the LicenseRef that stands for it */
  refs: Array<{ id: string; text: string }>;
}

/** The package's licenses as one valid SPDX expression, or undefined when there are none. */
export function licenseTerms(licenses: string[]): LicenseTerms | undefined {
  const parts: string[] = [];
  const refs: LicenseTerms['refs'] = [];
  for (const raw of licenses) {
    const text = raw.trim();
    if (text === '') continue;
    if (isSpdxExpression(text)) { parts.push(text); continue; }
    const id = licenseRef(text);
    if (!refs.some((r) => r.id === id)) refs.push({ id, text });
    parts.push(id);
  }
  const unique = [...new Set(parts)];
  if (unique.length === 0) return undefined;
  const expression = unique.length === 1 ? unique[0]! : unique.map((p) => (isSimpleLicense(p) ? p : `(${p})`)).join(' AND ');
  return { expression, refs };
}
