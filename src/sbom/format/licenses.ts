/**
 * License strings as catalogers found them, turned into what SPDX and CycloneDX accept: valid SPDX
 * expressions stay as they are; anything else (free text from a copyright file, `Apache 2`) becomes a
 * `LicenseRef-` whose text is the original, so no information is lost and the documents stay valid.
 */
// @ts-ignore -- the package ships no types (a function from string to syntax tree that throws on bad input)
import parseSpdxExpression from 'spdx-expression-parse';

const parse = parseSpdxExpression as (expression: string) => unknown;

export function isSpdxExpression(text: string): boolean {
  try { parse(text); return true; } catch { return false; }
}

/** A parsed expression is a single license (with an optional exception) when its tree has no conjunction. */
export function isSimpleLicense(text: string): boolean {
  try {
    const tree = parse(text) as { conjunction?: string };
    return tree.conjunction === undefined;
  } catch { return false; }
}

/** `LicenseRef-` + the text's characters that an SPDX idstring allows (letters, digits, `.`, `-`). */
export function licenseRefFor(text: string): string {
  const id = text.trim().replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '');
  return `LicenseRef-${id || 'unknown'}`;
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
    const id = licenseRefFor(text);
    if (!refs.some((r) => r.id === id)) refs.push({ id, text });
    parts.push(id);
  }
  const unique = [...new Set(parts)];
  if (unique.length === 0) return undefined;
  const expression = unique.length === 1 ? unique[0]! : unique.map((p) => (isSimpleLicense(p) ? p : `(${p})`)).join(' AND ');
  return { expression, refs };
}
