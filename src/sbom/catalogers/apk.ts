/**
 * Alpine (and Wolfi, Chainguard) packages: apk's database /lib/apk/db/installed (apk-tools 3 may keep
 * it in /usr/lib/apk/db/installed). One record per package, blank-line separated, each line `X:value`
 * with a one-letter key: P name, V version, A arch, L license, o origin (source package),
 * m maintainer, I installed size, S package size, U url, c commit; files (F:, R:, …) are not needed.
 */
import type { Cataloger, CatalogContext } from '../cataloger.js';
import { isValidSpdx, toSpdxExpression } from '../licenses.js';
import { distroQualifier, purl } from '../purl.js';
import type { SbomPackage } from '../types.js';
import { layersThatAdded } from './layer-attribution.js';
import { readDatabase } from './read-limited.js';

export const APK_DB_PATHS = ['/lib/apk/db/installed', '/usr/lib/apk/db/installed'];

type ApkRecord = Map<string, string>;

export function parseApkInstalled(text: string): { records: ApkRecord[]; badLines: number[] } {
  const records: ApkRecord[] = [];
  const badLines: number[] = [];
  let cur: ApkRecord | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line === '') { cur = undefined; continue; }
    if (line.length < 2 || line[1] !== ':' || !/[A-Za-z]/.test(line[0]!)) { badLines.push(i + 1); continue; }
    if (!cur) { cur = new Map(); records.push(cur); }
    const key = line[0]!;
    if (!cur.has(key)) cur.set(key, line.slice(2)); // repeated keys (F:, R:) are file lists
  }
  return { records, badLines };
}

/**
 * apk's L: is SPDX in current Alpine (`MIT AND BSD-2-Clause`), but older packages list names
 * separated by spaces (`MIT BSD`), which means all of them.
 */
export function apkLicense(l: string | undefined): string | undefined {
  const text = l?.trim();
  if (!text) return undefined;
  if (!/\b(and|or|with)\b/i.test(text) && /\s/.test(text)) {
    const parts = text.split(/\s+/).map((w) => toSpdxExpression(w)!);
    const joined = parts.join(' AND ');
    if (parts.every((p) => !p.startsWith('LicenseRef-')) && isValidSpdx(joined)) return joined;
  }
  return toSpdxExpression(text);
}

function toPackage(ctx: CatalogContext, r: ApkRecord, path: string, layerDigest: string | undefined): SbomPackage | undefined {
  const name = r.get('P');
  const version = r.get('V');
  if (!name || !version) {
    ctx.warn({ path, message: `a record without P: and V:${name ? ` (P:${name})` : ''} was skipped`, ...(layerDigest ? { layerDigest } : {}) });
    return undefined;
  }
  const arch = r.get('A') || undefined;
  const origin = r.get('o') || undefined;
  const license = apkLicense(r.get('L'));
  const pkg: SbomPackage = {
    name,
    version,
    type: 'apk',
    purl: purl('apk', ctx.distro?.id ?? 'alpine', name, version, {
      arch,
      distro: distroQualifier(ctx.distro),
      upstream: origin && origin !== name ? origin : undefined,
    }),
    licenses: license ? [license] : [],
    locations: [{ path, ...(layerDigest ? { layerDigest } : {}) }],
    sourceName: origin ?? name,
    sourceVersion: version,
  };
  if (arch) pkg.arch = arch;
  const metadata: Record<string, string | number> = {};
  const m = r.get('m');
  if (m) metadata.maintainer = m;
  for (const [key, field] of [['I', 'installedSize'], ['S', 'size']] as const) {
    const n = Number(r.get(key));
    if (r.has(key) && Number.isFinite(n)) metadata[field] = n;
  }
  const url = r.get('U');
  if (url) metadata.url = url;
  const commit = r.get('c');
  if (commit) metadata.commit = commit;
  if (Object.keys(metadata).length > 0) pkg.metadata = metadata;
  return pkg;
}

export const apkCataloger: Cataloger = {
  name: 'apk',
  async catalog(ctx) {
    const path = APK_DB_PATHS.find((p) => ctx.tree.stat(p));
    if (!path) return [];
    const layerDigest = ctx.tree.stat(path)?.layerDigest;
    const at = layerDigest ? { layerDigest } : {};
    const buf = await readDatabase(ctx, path, layerDigest);
    if (!buf) return [];
    if (buf.includes(0)) {
      ctx.warn({ path, message: 'not an apk database: the file has binary content', ...at });
      return [];
    }
    const { records, badLines } = parseApkInstalled(buf.toString('utf8'));
    if (badLines.length > 0) {
      ctx.warn({ path, message: `${badLines.length} malformed line(s), first at line ${badLines[0]}: the packages around them may be missing`, ...at });
    }
    const out: SbomPackage[] = [];
    for (const r of records) {
      const pkg = toPackage(ctx, r, path, layerDigest);
      if (pkg) out.push(pkg);
    }
    const key = (name: string | undefined, version: string | undefined, arch: string | undefined): string => `${name}\0${version}\0${arch ?? ''}`;
    const added = await layersThatAdded(ctx, path, (b) => new Set(parseApkInstalled(b.toString('utf8')).records.map((r) => key(r.get('P'), r.get('V'), r.get('A')))));
    if (added) {
      for (const pkg of out) {
        const digest = added.get(key(pkg.name, pkg.version, pkg.arch));
        if (digest) pkg.locations = [{ path, layerDigest: digest }];
      }
    }
    return out;
  },
};
