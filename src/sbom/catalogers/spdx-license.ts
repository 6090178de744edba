/**
 * Declared licenses of language packages → SPDX expressions. Packages declare licenses loosely
 * ("MIT", "mit", "Apache 2.0", "BSD License", a URL, a classifier); what parses as an SPDX expression
 * (spdx-expression-parse) is kept, well-known names and URLs are mapped, and anything else becomes a
 * `LicenseRef-` so that writers always get a valid expression and the declared text is not lost.
 */
import { createRequire } from 'node:module';
import parseSpdx from 'spdx-expression-parse';

const require = createRequire(import.meta.url);
const LICENSE_IDS: string[] = [
  ...(require('spdx-license-ids/index.json') as string[]),
  ...(require('spdx-license-ids/deprecated.json') as string[]),
];
const ID_BY_LOWER = new Map(LICENSE_IDS.map((id) => [id.toLowerCase(), id]));

/** Common non-SPDX spellings (package metadata, Python classifiers, Bundle-License URLs). */
const KNOWN_NAMES: Record<string, string> = {
  'mit license': 'MIT',
  'the mit license': 'MIT',
  'expat': 'MIT',
  'expat (mit/x11)': 'MIT',
  'mit/x11': 'MIT',
  'apache': 'Apache-2.0',
  'apache 2': 'Apache-2.0',
  'apache 2.0': 'Apache-2.0',
  'apache-2': 'Apache-2.0',
  'apache license 2.0': 'Apache-2.0',
  'apache license, version 2.0': 'Apache-2.0',
  'apache software license': 'Apache-2.0',
  'the apache software license, version 2.0': 'Apache-2.0',
  'apache license version 2.0': 'Apache-2.0',
  'bsd': 'BSD-3-Clause',
  'bsd license': 'BSD-3-Clause',
  'new bsd license': 'BSD-3-Clause',
  'modified bsd license': 'BSD-3-Clause',
  'bsd-3': 'BSD-3-Clause',
  'bsd 3-clause': 'BSD-3-Clause',
  'simplified bsd license': 'BSD-2-Clause',
  'isc license': 'ISC',
  'isc license (iscl)': 'ISC',
  'python software foundation license': 'PSF-2.0',
  'psf': 'PSF-2.0',
  'psfl': 'PSF-2.0',
  'mozilla public license 2.0 (mpl 2.0)': 'MPL-2.0',
  'mpl 2.0': 'MPL-2.0',
  'gnu general public license v2 (gplv2)': 'GPL-2.0-only',
  'gnu general public license v2 or later (gplv2+)': 'GPL-2.0-or-later',
  'gnu general public license v3 (gplv3)': 'GPL-3.0-only',
  'gnu general public license v3 or later (gplv3+)': 'GPL-3.0-or-later',
  'gnu lesser general public license v2 (lgplv2)': 'LGPL-2.0-only',
  'gnu lesser general public license v2 or later (lgplv2+)': 'LGPL-2.0-or-later',
  'gnu lesser general public license v3 (lgplv3)': 'LGPL-3.0-only',
  'gnu lesser general public license v3 or later (lgplv3+)': 'LGPL-3.0-or-later',
  'gnu library or lesser general public license (lgpl)': 'LGPL-2.0-or-later',
  'gnu affero general public license v3': 'AGPL-3.0-only',
  'gpl': 'GPL-2.0-or-later',
  'gplv2': 'GPL-2.0-only',
  'gplv3': 'GPL-3.0-only',
  'lgpl': 'LGPL-2.1-or-later',
  'lgpl v3': 'LGPL-3.0-only',
  'gnu gpl': 'GPL-2.0-or-later',
  'gnu lgpl': 'LGPL-2.1-or-later',
  'eclipse public license 2.0 (epl-2.0)': 'EPL-2.0',
  'eclipse public license 1.0': 'EPL-1.0',
  'the unlicense (unlicense)': 'Unlicense',
  'public domain': 'LicenseRef-Public-Domain',
  'zope public license': 'ZPL-2.1',
  'academic free license (afl)': 'AFL-3.0',
  'http://www.apache.org/licenses/license-2.0.txt': 'Apache-2.0',
  'https://www.apache.org/licenses/license-2.0.txt': 'Apache-2.0',
  'http://www.apache.org/licenses/license-2.0': 'Apache-2.0',
  'https://www.apache.org/licenses/license-2.0': 'Apache-2.0',
  'http://www.apache.org/licenses/license-2.0.html': 'Apache-2.0',
  'https://opensource.org/licenses/mit': 'MIT',
  'http://opensource.org/licenses/mit': 'MIT',
  'http://www.opensource.org/licenses/mit-license.php': 'MIT',
  'https://opensource.org/licenses/bsd-3-clause': 'BSD-3-Clause',
  'http://www.eclipse.org/legal/epl-v10.html': 'EPL-1.0',
  'https://www.eclipse.org/legal/epl-2.0/': 'EPL-2.0',
  'http://www.eclipse.org/legal/epl-2.0': 'EPL-2.0',
};

function isSpdx(expr: string): boolean {
  try { parseSpdx(expr); return true; } catch { return false; }
}

/**
 * The SPDX expression for a declared license, or undefined when nothing is declared ("UNKNOWN", empty,
 * or a whole license text, which says nothing short enough to name).
 */
export function spdxLicense(declared: string | undefined): string | undefined {
  const raw = declared?.trim().replace(/\s+/g, ' ');
  if (!raw || /^(unknown|none|n\/a|-)$/i.test(raw) || raw.length > 200) return undefined;
  if (isSpdx(raw)) return raw;
  const id = ID_BY_LOWER.get(raw.toLowerCase());
  if (id) return id;
  const known = KNOWN_NAMES[raw.toLowerCase()] ?? KNOWN_NAMES[raw.toLowerCase().replace(/\/$/, '')];
  if (known) return known;
  // npm's "(MIT OR Apache-2.0)" in odd case, "MIT/X11": try ids case-insensitively inside an expression
  const fixed = raw.replace(/[A-Za-z0-9.+-]+/g, (w) => (/^(and|or|with)$/i.test(w) ? w.toUpperCase() : ID_BY_LOWER.get(w.toLowerCase()) ?? w));
  if (isSpdx(fixed)) return fixed;
  return `LicenseRef-${raw.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64) || 'unknown'}`;
}

/** A Python trove classifier `License :: OSI Approved :: MIT License` → `MIT` (undefined when it names none). */
export function spdxFromClassifier(classifier: string): string | undefined {
  const parts = classifier.split('::').map((p) => p.trim());
  if (parts[0] !== 'License' || parts.length < 2) return undefined;
  const name = parts[parts.length - 1]!;
  if (/^(OSI Approved|Other\/Proprietary License|Freely Distributable)$/.test(name)) return undefined;
  return spdxLicense(name);
}
