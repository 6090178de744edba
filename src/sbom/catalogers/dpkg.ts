/**
 * Debian packages: dpkg's database /var/lib/dpkg/status, and distroless images'
 * /var/lib/dpkg/status.d/<name> (one file per package, no Status field; `*.md5sums` beside them).
 * Licenses come from /usr/share/doc/<package>/copyright when it is machine-readable (DEP-5).
 */
import type { Cataloger, CatalogContext } from '../cataloger.js';
import type { FileTree } from '../file-tree.js';
import { toSpdxExpression } from '../licenses.js';
import { distroQualifier, purl, upstreamQualifier } from '../purl.js';
import type { SbomPackage } from '../types.js';
import { parseDeb822, type Paragraph } from './deb822.js';
import { layersThatAdded } from './layer-attribution.js';
import { readDatabase, readLimited } from './read-limited.js';

export const DPKG_STATUS = '/var/lib/dpkg/status';
export const DPKG_STATUS_D = '/var/lib/dpkg/status.d';

/**
 * Installed means the status's last two words are "ok installed": the first word is only what the
 * admin wants (`install`, or `hold` for a held package, which is just as installed); half-installed,
 * config-files (removed) and not-installed packages are left out.
 */
function isInstalled(status: string | undefined): boolean {
  if (status === undefined) return false;
  const words = status.trim().split(/\s+/);
  return words.length === 3 && words[1] === 'ok' && words[2] === 'installed';
}

/** `glibc (2.36-9+deb12u4)` → name and version; no version means the binary's own. */
export function parseSource(field: string | undefined): { name?: string; version?: string } {
  const m = /^(\S+)(?:\s*\(([^)]+)\))?/.exec(field?.trim() ?? '');
  return m ? { name: m[1], ...(m[2] ? { version: m[2].trim() } : {}) } : {};
}

/** Text of a database file, or a warning and undefined when it is not a text file. */
async function readText(ctx: CatalogContext, path: string, layerDigest: string | undefined): Promise<string | undefined> {
  const buf = await readDatabase(ctx, path, layerDigest);
  if (!buf) return undefined;
  if (buf.includes(0)) {
    ctx.warn({ path, message: 'not a dpkg database: the file has binary content', ...(layerDigest ? { layerDigest } : {}) });
    return undefined;
  }
  return buf.toString('utf8');
}

/** boost's, among the largest, is about 1 MB */
const MAX_COPYRIGHT_BYTES = 32 * 1024 * 1024;

const licenseCache = new WeakMap<FileTree, Map<string, Promise<string[]>>>();

/** SPDX expressions of the License fields of a DEP-5 copyright file, or of common-licenses references. */
export function licensesOfCopyright(text: string): string[] {
  // A field starts at column 0 (continuations are indented), so License fields can be found by line
  // without parsing every paragraph: boost's copyright file alone has thousands of them.
  const blank = text.search(/\n[ \t]*\n/);
  const head = blank < 0 ? text : text.slice(0, blank); // the header paragraph
  const names: string[] = [];
  if (/^(Format|Format-Specification):.*(copyright-format|dep-?5)/im.test(head)) {
    for (const m of text.matchAll(/^License:[ \t]*([^\n]*)$/gim)) {
      const synopsis = m[1]!.trim();
      if (synopsis) names.push(synopsis);
    }
  } else {
    // not machine-readable: the files in /usr/share/common-licenses it points at are still exact
    for (const m of text.matchAll(/\/usr\/share\/common-licenses\/([A-Za-z0-9][A-Za-z0-9.+_-]*[A-Za-z0-9+])/g)) {
      if (m[1] !== 'GPL' && m[1] !== 'LGPL') names.push(m[1]!); // a bare GPL/LGPL names no version
    }
  }
  const out: string[] = [];
  for (const n of names) {
    const expr = toSpdxExpression(n);
    if (expr && !out.includes(expr)) out.push(expr);
  }
  return out;
}

function packageLicenses(tree: FileTree, name: string): Promise<string[]> {
  let byName = licenseCache.get(tree);
  if (!byName) { byName = new Map(); licenseCache.set(tree, byName); }
  let p = byName.get(name);
  if (!p) {
    p = readLimited(tree, `/usr/share/doc/${name}/copyright`, MAX_COPYRIGHT_BYTES)
      .then((b) => (b.includes(0) ? [] : licensesOfCopyright(b.toString('utf8'))), () => []);
    byName.set(name, p);
  }
  return p;
}

async function toPackage(ctx: CatalogContext, para: Paragraph, path: string, layerDigest: string | undefined): Promise<SbomPackage | undefined> {
  const name = para.get('package');
  const version = para.get('version');
  if (!name || !version || /\s/.test(name) || /\s/.test(version)) {
    ctx.warn({ path, message: `a paragraph without a valid Package and Version${name ? ` (Package: ${name})` : ''} was skipped`, ...(layerDigest ? { layerDigest } : {}) });
    return undefined;
  }
  const arch = para.get('architecture') || undefined;
  const source = parseSource(para.get('source'));
  const sourceName = source.name ?? name;
  const sourceVersion = source.version ?? version;
  const namespace = ctx.distro?.id ?? 'debian';
  const pkg: SbomPackage = {
    name,
    version,
    type: 'deb',
    purl: purl('deb', namespace, name, version, {
      arch,
      distro: distroQualifier(ctx.distro),
      upstream: upstreamQualifier(name, version, source.name, source.version),
    }),
    licenses: await packageLicenses(ctx.tree, name),
    locations: [{ path, ...(layerDigest ? { layerDigest } : {}) }],
    sourceName,
    sourceVersion,
  };
  if (arch) pkg.arch = arch;
  const metadata: Record<string, string | number> = {};
  const maintainer = para.get('maintainer');
  if (maintainer) metadata.maintainer = maintainer;
  const size = Number(para.get('installed-size'));
  if (para.has('installed-size') && Number.isFinite(size)) metadata.installedSize = size; // KiB, as dpkg counts
  if (Object.keys(metadata).length > 0) pkg.metadata = metadata;
  return pkg;
}

async function catalogFile(ctx: CatalogContext, path: string, requireStatus: boolean): Promise<SbomPackage[]> {
  const layerDigest = ctx.tree.stat(path)?.layerDigest;
  const text = await readText(ctx, path, layerDigest);
  if (text === undefined) return [];
  const { paragraphs, badLines } = parseDeb822(text);
  if (badLines.length > 0) {
    ctx.warn({ path, message: `${badLines.length} malformed line(s), first at line ${badLines[0]}: the packages around them may be missing`, ...(layerDigest ? { layerDigest } : {}) });
  }
  const isListed = (para: Paragraph): boolean => (!requireStatus && !para.has('status')) || isInstalled(para.get('status'));
  const installed = paragraphs.filter(isListed);
  // copyright files are read a few at a time: one by one, the round trips dominate
  const out: SbomPackage[] = [];
  for (let i = 0; i < installed.length; i += 32) {
    const batch = await Promise.all(installed.slice(i, i + 32).map((para) => toPackage(ctx, para, path, layerDigest)));
    for (const pkg of batch) if (pkg) out.push(pkg);
  }
  const added = await layersThatAdded(ctx, path, (buf) => new Set(parseDeb822(buf.toString('utf8')).paragraphs.filter(isListed).map(keyOf)));
  if (added) {
    for (const pkg of out) {
      const digest = added.get(`${pkg.name}\0${pkg.version}\0${pkg.arch ?? ''}`);
      if (digest) pkg.locations = [{ path, layerDigest: digest }];
    }
  }
  return out;
}

function keyOf(para: Paragraph): string {
  return `${para.get('package')}\0${para.get('version')}\0${para.get('architecture') ?? ''}`;
}

export const dpkgCataloger: Cataloger = {
  name: 'dpkg',
  async catalog(ctx) {
    const out: SbomPackage[] = [];
    if (ctx.tree.stat(DPKG_STATUS)) out.push(...await catalogFile(ctx, DPKG_STATUS, true));
    for (const name of ctx.tree.readDir(DPKG_STATUS_D)) {
      if (name.endsWith('.md5sums') || name.startsWith('.')) continue;
      const path = `${DPKG_STATUS_D}/${name}`;
      const kind = ctx.tree.stat(path)?.kind;
      if (kind !== 'file' && kind !== 'symlink') continue; // a symlink is followed inside the tree
      out.push(...await catalogFile(ctx, path, false));
    }
    return out;
  },
};
