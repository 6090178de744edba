/**
 * License names as packages declare them → SPDX license expressions. Debian's copyright files use
 * DEP-5 short names (`GPL-2+`, `Expat`, `BSD-3-clause`, `GPL-2+ with Autoconf exception`,
 * `GPL-1+ or Artistic`); apk and rpm mostly SPDX already, with older free-form names. Every result is
 * checked with spdx-expression-parse; what cannot be named exactly becomes a `LicenseRef-…` rather
 * than a guess.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// these packages ship no types; their shapes are small and stable
const parseSpdx = require('spdx-expression-parse') as (expr: string) => unknown;
const LICENSE_IDS = require('spdx-license-ids/index.json') as string[];
const DEPRECATED_IDS = require('spdx-license-ids/deprecated.json') as string[];
const EXCEPTION_IDS = require('spdx-exceptions/index.json') as string[];

const byLower = new Map<string, string>();
for (const id of [...DEPRECATED_IDS, ...LICENSE_IDS]) byLower.set(id.toLowerCase(), id); // current ids win
const exceptionsByLower = new Map(EXCEPTION_IDS.map((id) => [id.toLowerCase(), id]));

/** Debian (DEP-5) and other common short names that are not SPDX ids themselves. */
const ALIASES: Record<string, string> = {
  'expat': 'MIT',
  'mit/x11': 'MIT',
  'mit-x11': 'MIT',
  'apache-2': 'Apache-2.0',
  'apache2': 'Apache-2.0',
  'apache-1.1': 'Apache-1.1',
  'artistic': 'Artistic-1.0',
  'artistic-1': 'Artistic-1.0',
  'artistic-2': 'Artistic-2.0',
  'perl': '(Artistic-1.0-Perl OR GPL-1.0-or-later)',
  'cc0': 'CC0-1.0',
  'mpl-2': 'MPL-2.0',
  'mpl-1.1': 'MPL-1.1',
  'zlib': 'Zlib',
  'libpng': 'Libpng',
  'bsd-3': 'BSD-3-Clause',
  'bsd-2': 'BSD-2-Clause',
  'psf-2': 'PSF-2.0',
  'psf': 'PSF-2.0',
  'public-domain': 'LicenseRef-public-domain',
  'public domain': 'LicenseRef-public-domain',
  'pd': 'LicenseRef-public-domain',
};

/** GNU licenses written `GPL-2+`, `GPLv3+`, `LGPL-2.1`, `GFDL-NIV-1.3+`, `GPL-2.0+`, `GPL2`. */
const GNU = /^(AGPL|LGPL|GPL|GFDL-NIV|GFDL)[-_ ]?v?(\d+(?:\.\d+)?)?(\+|-or-later|-only)?$/i;

function gnuId(family: string, version: string | undefined, suffix: string | undefined): string | undefined {
  const fam = family.toUpperCase();
  const laterByDefault = version === undefined; // "GPL" with no version: any version
  const v = version === undefined ? (fam === 'LGPL' ? '2.0' : fam.startsWith('GFDL') ? '1.1' : '1.0') : version.includes('.') ? version : version + '.0';
  const later = laterByDefault || suffix === '+' || suffix?.toLowerCase() === '-or-later';
  const id = fam === 'GFDL-NIV' ? `GFDL-${v}-no-invariants-${later ? 'or-later' : 'only'}` : `${fam}-${v}-${later ? 'or-later' : 'only'}`;
  return byLower.get(id.toLowerCase());
}

/** A `LicenseRef-` id for a name SPDX does not have (idstring is letters, digits, `.` and `-`). */
export function licenseRef(name: string): string {
  const id = name.trim().replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '').replace(/-{2,}/g, '-');
  return `LicenseRef-${id || 'unknown'}`;
}

function exceptionId(name: string, licenseVersion: string | undefined): string | undefined {
  const n = name.trim().toLowerCase().replace(/\s+/g, '-');
  const exact = exceptionsByLower.get(n) ?? exceptionsByLower.get(n + '-exception');
  if (exact) return exact;
  const base = n.replace(/-exception$/, '');
  const candidates = EXCEPTION_IDS.filter((id) => id.toLowerCase().startsWith(base + '-exception'));
  if (candidates.length === 1) return candidates[0];
  // e.g. Autoconf-exception-2.0 for GPL-2+, Autoconf-exception-3.0 for GPL-3+
  const major = licenseVersion?.split('.')[0];
  return major ? candidates.find((id) => id.toLowerCase() === `${base}-exception-${major}.0`) : undefined;
}

/** One license name (no AND/OR) → an SPDX id, `id+`, `id WITH exception`, or undefined. */
function simpleTerm(term: string): string | undefined {
  const t = term.trim();
  if (t === '') return undefined;
  const withM = /^(.+?)\s+with\s+(.+?)(?:\s+exception)?$/i.exec(t);
  if (withM) {
    const lic = simpleTerm(withM[1]!);
    if (!lic || /\s/.test(lic)) return undefined;
    const version = /-(\d+(?:\.\d+)?)/.exec(lic)?.[1];
    const exc = exceptionId(withM[2]!, version);
    return exc ? `${lic} WITH ${exc}` : undefined;
  }
  const lower = t.toLowerCase();
  const alias = ALIASES[lower];
  if (alias) return alias;
  const id = byLower.get(lower);
  if (id) return GNU.test(id) ? gnuTerm(id) ?? id : id;
  const gnu = gnuTerm(t);
  if (gnu) return gnu;
  // "OpenLDAP-2.8" is SPDX's OLDAP-2.8
  const oldap = /^openldap-(\d+\.\d+)$/i.exec(t);
  if (oldap) return byLower.get(`oldap-${oldap[1]}`);
  if (t.endsWith('+')) {
    const base = byLower.get(t.slice(0, -1).toLowerCase()) ?? ALIASES[t.slice(0, -1).toLowerCase()];
    if (base && /^[A-Za-z0-9.-]+$/.test(base)) return base + '+';
  }
  return undefined;
}

/** Deprecated GNU ids (`GPL-2.0`, `GPL-2.0+`) and Debian's spellings → the -only / -or-later ids. */
function gnuTerm(t: string): string | undefined {
  const m = GNU.exec(t);
  return m ? gnuId(m[1]!, m[2], m[3]) : undefined;
}

export function isValidSpdx(expr: string): boolean {
  try { parseSpdx(expr); return true; } catch { return false; }
}

/**
 * A declared license (a DEP-5 synopsis, an apk `L:` or rpm LICENSE value) as one SPDX expression.
 * `and`/`or` (any case, `&`, `|`) and DEP-5's comma grouping are kept; names SPDX does not know
 * become LicenseRefs. Empty input → undefined.
 */
const converted = new Map<string, string | undefined>();

export function toSpdxExpression(declared: string): string | undefined {
  let r = converted.get(declared);
  if (r === undefined && !converted.has(declared)) {
    r = convert(declared);
    if (converted.size < 10_000) converted.set(declared, r);
  }
  return r;
}

function convert(declared: string): string | undefined {
  const text = declared.trim().replace(/\s+/g, ' ');
  if (text === '') return undefined;
  // already SPDX (operators in upper case, no deprecated GNU ids such as GPL-2.0+)
  if (!/\s(and|or|with)\s/.test(text) && !/\b(GPL|LGPL|AGPL|GFDL)-\d\.\d\+?(?!-)/.test(text) && isValidSpdx(text)) return text;
  // DEP-5: a comma closes a group ("GPL-2+ or Artistic, and BSD-3-clause")
  const groups = text.split(/\s*,\s*(?=(?:and|or)\b)/i);
  const out: string[] = [];
  for (const [gi, group] of groups.entries()) {
    let g = group;
    let op: string | undefined;
    if (gi > 0) {
      const m = /^(and|or)\s+/i.exec(g);
      op = m ? m[1]!.toUpperCase() : 'AND';
      g = g.slice(m?.[0].length ?? 0);
    }
    const parts = g.split(/(\s*[()]\s*|\s+(?:and|or|&|\||&&|\|\|)\s+)/i).map((p) => p.trim()).filter((p) => p !== '');
    const mapped: string[] = [];
    for (const part of parts) {
      if (part === '(' || part === ')') { mapped.push(part); continue; }
      if (/^(and|&|&&)$/i.test(part)) { mapped.push('AND'); continue; }
      if (/^(or|\||\|\|)$/i.test(part)) { mapped.push('OR'); continue; }
      const s = simpleTerm(part) ?? licenseRef(part);
      mapped.push(s.includes(' ') && !s.startsWith('(') && !/ WITH /.test(s) ? `(${s})` : s);
    }
    const expr = mapped.join(' ').replace(/\( /g, '(').replace(/ \)/g, ')');
    if (op) out.push(op);
    out.push(groups.length > 1 && mapped.length > 1 ? `(${expr})` : expr);
  }
  const expr = out.join(' ');
  return isValidSpdx(expr) ? expr : licenseRef(text);
}
