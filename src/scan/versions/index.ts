/**
 * One version ordering per ecosystem, and the mapping from OSV's ecosystem names
 * (https://ossf.github.io/osv-schema/#affectedpackage-field) to them.
 */
import type { Ecosystem, VersionOrder } from './types.js';
import { dpkgOrder } from './dpkg.js';
import { apkOrder } from './apk.js';
import { goOrder, npmOrder, semverRangeOrder } from './semver.js';
import { pep440Order } from './pep440.js';
import { mavenOrder } from './maven.js';
import { rpmOrder } from './rpm.js';

export type { Ecosystem, VersionOrder } from './types.js';

const ORDERS: Record<Ecosystem, VersionOrder> = {
  Debian: dpkgOrder,
  Alpine: apkOrder,
  npm: npmOrder,
  Go: goOrder,
  PyPI: pep440Order,
  Maven: mavenOrder,
  RPM: rpmOrder,
  SemVer: semverRangeOrder,
};

export function versionOrder(ecosystem: Ecosystem): VersionOrder {
  return ORDERS[ecosystem];
}

/**
 * OSV ecosystem names (before the `:` of a release suffix such as `Debian:12`, `Alpine:v3.19`,
 * `Red Hat:enterprise_linux:9::appstream`), lower-cased, to the ordering their versions use. Ubuntu
 * uses dpkg's ordering, Wolfi and Chainguard apk's, crates.io SemVer's; the caller still matches
 * the distribution by the full OSV ecosystem string.
 */
const OSV_ECOSYSTEMS: Record<string, Ecosystem> = {
  'debian': 'Debian',
  'ubuntu': 'Debian',
  'alpine': 'Alpine',
  'wolfi': 'Alpine',
  'chainguard': 'Alpine',
  'npm': 'npm',
  'go': 'Go',
  'pypi': 'PyPI',
  'maven': 'Maven',
  'crates.io': 'SemVer',
  'red hat': 'RPM',
  'rocky linux': 'RPM',
  'almalinux': 'RPM',
  'opensuse': 'RPM',
  'suse': 'RPM',
  'mageia': 'RPM',
  'openeuler': 'RPM',
  'azure linux': 'RPM',
  'photon os': 'RPM',
};

export function ecosystemOfOsv(osvEcosystem: string): Ecosystem | undefined {
  const colon = osvEcosystem.indexOf(':');
  const base = (colon >= 0 ? osvEcosystem.slice(0, colon) : osvEcosystem).trim().toLowerCase();
  return OSV_ECOSYSTEMS[base];
}
