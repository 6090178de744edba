/**
 * npm packages: from package-lock.json (lockfileVersion 1: the nested `dependencies` tree; 2 and 3: the
 * flat `packages` map keyed by node_modules path) and from installed `node_modules/<name>/package.json`.
 * A package in both is one package with both locations (same purl).
 */
import { PackageURL } from 'packageurl-js';
import type { Cataloger, CatalogContext } from '../cataloger.js';
import type { TreeEntry } from '../file-tree.js';
import type { PackageLocation, SbomPackage } from '../types.js';
import { baseName, errorText, languageFiles, locationOf, mergeByPurl } from './lang-common.js';
import { spdxLicense } from './spdx-license.js';

const NAME = 'npm';
/** A lock file of a big monorepo is a few MB; anything far larger is not one worth parsing. */
const MAX_LOCK_BYTES = 64 * 1024 * 1024;
const MAX_PACKAGE_JSON_BYTES = 4 * 1024 * 1024;
/** Installed package.json files read per tree: bounds the work on pathological trees. */
const MAX_INSTALLED = 100_000;

/** `node_modules/<name>/package.json` or `node_modules/@scope/<name>/package.json`, not files deeper in a package. */
const INSTALLED_MANIFEST = /\/node_modules\/(?:@[^/]+\/)?[^/@.][^/]*\/package\.json$/;

export function npmPurl(name: string, version: string): string {
  const slash = name.startsWith('@') ? name.indexOf('/') : -1;
  const namespace = slash > 0 ? name.slice(0, slash) : null;
  const bare = slash > 0 ? name.slice(slash + 1) : name;
  return new PackageURL('npm', namespace, bare, version, null, null).toString();
}

/** `license: "MIT"`, `license: {type: "MIT"}`, `licenses: [{type}|"MIT"]` (the legacy forms) → SPDX expressions. */
export function npmLicenses(manifest: Record<string, unknown>): string[] {
  const declared: string[] = [];
  const take = (v: unknown): void => {
    if (typeof v === 'string') declared.push(v);
    else if (v && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string') declared.push((v as { type: string }).type);
  };
  take(manifest.license);
  if (Array.isArray(manifest.licenses)) manifest.licenses.forEach(take);
  else take(manifest.licenses);
  const exprs = declared.map((d) => spdxLicense(d)).filter((e): e is string => e !== undefined);
  if (exprs.length <= 1) return exprs;
  // several legacy entries mean the user may choose among them
  return [exprs.map((e) => (/\s/.test(e) ? `(${e})` : e)).join(' OR ')];
}

function npmPackage(name: string, version: string, location: PackageLocation, licenses: string[], metadata: SbomPackage['metadata']): SbomPackage {
  return { name, version, type: 'npm', purl: npmPurl(name, version), licenses, locations: [location], ...(metadata && Object.keys(metadata).length ? { metadata } : {}) };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The name in a `packages` key: the part after the last `node_modules/`. */
function nameFromLockKey(key: string): string | undefined {
  const i = key.lastIndexOf('node_modules/');
  return i < 0 ? undefined : key.slice(i + 'node_modules/'.length);
}

function usableVersion(v: unknown): v is string {
  // a `file:` version is a link to a local folder, not a published package
  return typeof v === 'string' && v !== '' && !v.startsWith('file:');
}

function lockMetadata(entry: Record<string, unknown>): Record<string, string | boolean> {
  const md: Record<string, string | boolean> = {};
  for (const flag of ['dev', 'optional', 'devOptional', 'peer'] as const) if (entry[flag] === true) md[flag] = true;
  if (typeof entry.resolved === 'string') md.resolved = entry.resolved;
  if (typeof entry.integrity === 'string') md.integrity = entry.integrity;
  return md;
}

/** The packages of one parsed package-lock.json. */
export function packagesFromLock(lock: unknown, location: PackageLocation): SbomPackage[] {
  if (!isRecord(lock)) throw new Error('not a JSON object');
  const out: SbomPackage[] = [];
  if (isRecord(lock.packages)) {
    for (const [key, raw] of Object.entries(lock.packages)) {
      if (key === '' || !isRecord(raw) || raw.link === true) continue;
      const name = typeof raw.name === 'string' ? raw.name : nameFromLockKey(key);
      if (!name || !usableVersion(raw.version)) continue;
      out.push(npmPackage(name, raw.version, location, npmLicenses(raw), lockMetadata(raw)));
    }
    return out;
  }
  if (isRecord(lock.dependencies)) {
    const visit = (deps: Record<string, unknown>, depth: number): void => {
      if (depth > 64) return;
      for (const [name, raw] of Object.entries(deps)) {
        if (!isRecord(raw)) continue;
        if (usableVersion(raw.version) && !/^(git\+|github:|https?:)/.test(raw.version)) {
          out.push(npmPackage(name, raw.version, location, [], lockMetadata(raw)));
        }
        if (isRecord(raw.dependencies)) visit(raw.dependencies, depth + 1);
      }
    };
    visit(lock.dependencies, 0);
    return out;
  }
  if (typeof lock.lockfileVersion !== 'number') throw new Error('no lockfileVersion, packages or dependencies');
  return out;
}

async function readJson(ctx: CatalogContext, entry: TreeEntry, maxBytes: number): Promise<unknown> {
  if (entry.size > maxBytes) throw new Error(`larger than ${maxBytes} bytes`);
  const text = (await ctx.tree.readFile(entry.path)).toString('utf8');
  return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}

const npmFiles = languageFiles((e) => e.kind === 'file' && (baseName(e.path) === 'package-lock.json' || INSTALLED_MANIFEST.test(e.path)));

export const npmCataloger: Cataloger = {
  name: NAME,
  async catalog(ctx) {
    const found: SbomPackage[] = [];
    const warn = (entry: TreeEntry, message: string): void => ctx.warn({ path: entry.path, message, ...(entry.layerDigest ? { layerDigest: entry.layerDigest } : {}) });
    let installed = 0;
    for (const entry of npmFiles(ctx.tree)) {
      if (baseName(entry.path) === 'package-lock.json') {
        try {
          found.push(...packagesFromLock(await readJson(ctx, entry, MAX_LOCK_BYTES), locationOf(entry)));
        } catch (err) {
          warn(entry, `cannot read npm lock file: ${errorText(err)}`);
        }
        continue;
      }
      if (++installed > MAX_INSTALLED) {
        if (installed === MAX_INSTALLED + 1) warn(entry, `more than ${MAX_INSTALLED} installed npm packages: the rest are not listed`);
        continue;
      }
      let manifest: unknown;
      try {
        manifest = await readJson(ctx, entry, MAX_PACKAGE_JSON_BYTES);
      } catch (err) {
        warn(entry, `cannot read package.json: ${errorText(err)}`);
        continue;
      }
      // a package.json without name and version (test fixtures, private folders) is not a package
      if (!isRecord(manifest) || typeof manifest.name !== 'string' || !usableVersion(manifest.version)) continue;
      const md: Record<string, string> = {};
      if (typeof manifest.homepage === 'string') md.homepage = manifest.homepage;
      if (typeof manifest.author === 'string') md.author = manifest.author;
      else if (isRecord(manifest.author) && typeof manifest.author.name === 'string') md.author = manifest.author.name;
      found.push(npmPackage(manifest.name, manifest.version, locationOf(entry), npmLicenses(manifest), md));
    }
    return mergeByPurl(found);
  },
};
