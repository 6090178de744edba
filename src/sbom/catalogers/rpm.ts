/**
 * RPM packages from the SQLite rpmdb (rpm ≥ 4.16: Fedora ≥ 33, RHEL/Rocky/Alma ≥ 9, openSUSE,
 * Amazon Linux 2023): table Packages(hnum, blob), one header blob per package. The file is copied to
 * a private temp dir first: SQLite may write beside a database it opens (-shm, -wal), and a layer dir
 * must never change. BerkeleyDB (`Packages`) and NDB (`Packages.db`) rpmdbs are reported as a
 * warning that the format is not supported.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Cataloger, CatalogContext } from '../cataloger.js';
import { toSpdxExpression } from '../licenses.js';
import { distroQualifier, purl } from '../purl.js';
import type { SbomPackage } from '../types.js';
import { headerNumber, headerString, parseRpmHeader, RPMTAG } from './rpm-header.js';
import { layersThatAdded } from './layer-attribution.js';
import { MAX_DATABASE_BYTES, readLimited } from './read-limited.js';

export const RPMDB_DIRS = ['/usr/lib/sysimage/rpm', '/var/lib/rpm'];

const WANTED = new Set<number>(Object.values(RPMTAG));

/** `hello-1.2-3.fc39.src.rpm` → name hello, version 1.2-3.fc39 */
export function parseSourceRpm(s: string | undefined): { name?: string; version?: string } {
  const m = /^(.+)-([^-]+-[^-]+)\.(?:no)?src\.rpm$/.exec(s ?? '');
  return m ? { name: m[1], version: m[2] } : {};
}

function at(layerDigest: string | undefined): { layerDigest?: string } {
  return layerDigest ? { layerDigest } : {};
}

function packageOf(ctx: CatalogContext, blob: Uint8Array, path: string, layerDigest: string | undefined): SbomPackage | undefined {
  const h = parseRpmHeader(blob, WANTED);
  const name = headerString(h, RPMTAG.NAME);
  const version = headerString(h, RPMTAG.VERSION);
  const release = headerString(h, RPMTAG.RELEASE);
  if (!name || !version) throw new Error('header has no NAME or VERSION');
  if (name === 'gpg-pubkey') return undefined; // imported signing keys are rows too, not packages
  const epoch = headerNumber(h, RPMTAG.EPOCH);
  const arch = headerString(h, RPMTAG.ARCH);
  const vr = release ? `${version}-${release}` : version;
  const sourceRpm = headerString(h, RPMTAG.SOURCERPM);
  const source = parseSourceRpm(sourceRpm);
  const vendor = headerString(h, RPMTAG.VENDOR);
  const license = toSpdxExpression(headerString(h, RPMTAG.LICENSE) ?? '');
  const namespace = ctx.distro?.id ?? vendor?.split(/\s+/)[0]?.toLowerCase();
  const pkg: SbomPackage = {
    name,
    // rpm compares epoch:version-release; the version carries the epoch so the scanner sees it
    version: epoch !== undefined ? `${epoch}:${vr}` : vr,
    type: 'rpm',
    // the purl spec (and syft) put the epoch in a qualifier, the version is version-release
    purl: purl('rpm', namespace, name, vr, {
      arch,
      epoch: epoch !== undefined ? String(epoch) : undefined,
      distro: distroQualifier(ctx.distro),
      upstream: sourceRpm,
    }),
    licenses: license ? [license] : [],
    locations: [{ path, ...at(layerDigest) }],
  };
  if (source.name) { pkg.sourceName = source.name; pkg.sourceVersion = source.version!; }
  if (arch) pkg.arch = arch;
  const metadata: Record<string, string | number> = {};
  if (vendor) metadata.vendor = vendor;
  if (epoch !== undefined) metadata.epoch = epoch;
  const size = headerNumber(h, RPMTAG.SIZE);
  if (size !== undefined) metadata.installedSize = size;
  if (sourceRpm) metadata.sourceRpm = sourceRpm;
  if (Object.keys(metadata).length > 0) pkg.metadata = metadata;
  return pkg;
}

type Row = { hnum: number; blob: Uint8Array };

/** The Packages rows of an rpmdb.sqlite's bytes, read from a private copy (throws when it is not one). */
async function readRows(db: Buffer, wal: Buffer | undefined): Promise<Row[]> {
  const work = await mkdtemp(join(tmpdir(), 'berth-rpmdb-'));
  try {
    const copy = join(work, 'rpmdb.sqlite');
    await writeFile(copy, db);
    if (wal) await writeFile(copy + '-wal', wal);
    const handle = new DatabaseSync(copy, { readOnly: true });
    try {
      return handle.prepare('SELECT hnum, blob FROM Packages ORDER BY hnum').all() as Row[];
    } finally {
      handle.close();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function keyOf(p: Pick<SbomPackage, 'name' | 'version' | 'arch'>): string {
  return `${p.name}\0${p.version}\0${p.arch ?? ''}`;
}

async function catalogSqlite(ctx: CatalogContext, path: string): Promise<SbomPackage[]> {
  const layerDigest = ctx.tree.stat(path)?.layerDigest;
  let rows: Row[];
  try {
    // committed transactions may still sit in the write-ahead log
    const wal = ctx.tree.stat(path + '-wal')?.kind === 'file' ? await readLimited(ctx.tree, path + '-wal', MAX_DATABASE_BYTES) : undefined;
    rows = await readRows(await readLimited(ctx.tree, path, MAX_DATABASE_BYTES), wal);
  } catch (e) {
    ctx.warn({ path, message: `not a readable rpm database: ${(e as Error).message}`, ...at(layerDigest) });
    return [];
  }
  const out: SbomPackage[] = [];
  for (const row of rows) {
    try {
      if (!(row.blob instanceof Uint8Array)) throw new Error('the blob column is not binary');
      const pkg = packageOf(ctx, row.blob, path, layerDigest);
      if (pkg) out.push(pkg);
    } catch (e) {
      ctx.warn({ path, message: `package ${row.hnum}: damaged header: ${(e as Error).message}`, ...at(layerDigest) });
    }
  }
  const added = await layersThatAdded(ctx, path, async (buf) => {
    const keys = new Set<string>();
    for (const row of await readRows(buf, undefined)) {
      try {
        const p = packageOf(ctx, row.blob, path, undefined);
        if (p) keys.add(keyOf(p));
      } catch { /* damaged in a lower layer: not visible anyway */ }
    }
    return keys;
  });
  if (added) {
    for (const pkg of out) {
      const digest = added.get(keyOf(pkg));
      if (digest) pkg.locations = [{ path, layerDigest: digest }];
    }
  }
  return out;
}

export const rpmCataloger: Cataloger = {
  name: 'rpm',
  async catalog(ctx) {
    const out: SbomPackage[] = [];
    let found = false;
    for (const dir of RPMDB_DIRS) {
      // Fedora links /var/lib/rpm to /usr/lib/sysimage/rpm: one database, read once
      if (found && ctx.tree.stat(dir)?.kind === 'symlink') continue;
      const sqlite = `${dir}/rpmdb.sqlite`;
      if (ctx.tree.stat(sqlite)?.kind === 'file') {
        found = true;
        out.push(...await catalogSqlite(ctx, sqlite));
        continue;
      }
      for (const [file, format] of [['Packages', 'BerkeleyDB'], ['Packages.db', 'NDB']] as const) {
        const path = `${dir}/${file}`;
        const st = ctx.tree.stat(path);
        if (st?.kind === 'file' && st.size > 0) {
          ctx.warn({ path, message: `${format} rpm databases are not supported (only rpmdb.sqlite, rpm 4.16 and later): its packages are not listed`, ...at(st.layerDigest) });
        }
      }
    }
    return out;
  },
};
