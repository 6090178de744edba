/**
 * Installed Python distributions: `*.dist-info/METADATA` (wheels, pip), `*.egg-info/PKG-INFO` and the
 * older single-file `*.egg-info` (setuptools, Debian's python3-* packages). All three are the core
 * metadata format: RFC 822 style headers, then a free-text body.
 */
import { PackageURL } from 'packageurl-js';
import type { Cataloger } from '../cataloger.js';
import type { TreeEntry } from '../file-tree.js';
import type { SbomPackage } from '../types.js';
import { baseName, dirName, errorText, languageFiles, locationOf, mergeByPurl } from './lang-common.js';
import { spdxFromClassifier, spdxLicense } from './spdx-license.js';

const NAME = 'python';
const MAX_METADATA_BYTES = 4 * 1024 * 1024;

/** PEP 503: lower case, runs of `-`, `_` and `.` become one `-`. */
export function normalisePythonName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

export function pypiPurl(name: string, version: string): string {
  return new PackageURL('pypi', null, normalisePythonName(name), version, null, null).toString();
}

/** The headers of a core-metadata file (names lower-cased, repeated headers kept in order). */
export function parseCoreMetadata(text: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  let last: { key: string; index: number } | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break; // the body (the long description) starts after the first empty line
    if (/^[ \t]/.test(line)) {
      // a folded continuation of the previous header (License texts are written this way)
      if (last) { const vals = headers.get(last.key)!; vals[last.index] += '\n' + line.trim(); }
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`not a metadata header: ${JSON.stringify(line.slice(0, 60))}`);
    const key = line.slice(0, colon).trim().toLowerCase();
    const vals = headers.get(key) ?? [];
    vals.push(line.slice(colon + 1).trim());
    headers.set(key, vals);
    last = { key, index: vals.length - 1 };
  }
  return headers;
}

/** License-Expression (PEP 639), else a one-line License, else the license classifiers. */
export function pythonLicenses(headers: Map<string, string[]>): string[] {
  const expression = headers.get('license-expression')?.[0];
  const fromExpression = spdxLicense(expression);
  if (fromExpression) return [fromExpression];
  const license = headers.get('license')?.[0];
  if (license && !license.includes('\n')) {
    const fromLicense = spdxLicense(license);
    if (fromLicense) return [fromLicense];
  }
  const fromClassifiers = (headers.get('classifier') ?? []).map(spdxFromClassifier).filter((e): e is string => e !== undefined);
  return [...new Set(fromClassifiers)];
}

/** METADATA in `x.dist-info/`, PKG-INFO in `x.egg-info/`, or an `x.egg-info` file. */
function isMetadataFile(e: TreeEntry): boolean {
  if (e.kind !== 'file') return false;
  const base = baseName(e.path);
  if (base.endsWith('.egg-info')) return true;
  const parent = baseName(dirName(e.path));
  return (base === 'METADATA' && parent.endsWith('.dist-info')) || (base === 'PKG-INFO' && parent.endsWith('.egg-info'));
}

const pythonFiles = languageFiles(isMetadataFile);

export const pythonCataloger: Cataloger = {
  name: NAME,
  async catalog(ctx) {
    const found: SbomPackage[] = [];
    for (const entry of pythonFiles(ctx.tree)) {
      const warn = (message: string): void => ctx.warn({ path: entry.path, message, ...(entry.layerDigest ? { layerDigest: entry.layerDigest } : {}) });
      try {
        if (entry.size > MAX_METADATA_BYTES) throw new Error(`larger than ${MAX_METADATA_BYTES} bytes`);
        const buf = await ctx.tree.readFile(entry.path);
        if (buf.includes(0)) throw new Error('binary data, not a metadata file');
        const headers = parseCoreMetadata(buf.toString('utf8'));
        const name = headers.get('name')?.[0];
        const version = headers.get('version')?.[0];
        if (!name || !version) throw new Error('no Name or Version header');
        const metadata: Record<string, string> = {};
        const summary = headers.get('summary')?.[0];
        if (summary) metadata.summary = summary;
        const home = headers.get('home-page')?.[0];
        if (home) metadata.homepage = home;
        const author = headers.get('author')?.[0] ?? headers.get('maintainer')?.[0];
        if (author) metadata.author = author;
        found.push({
          name, version, type: 'python', purl: pypiPurl(name, version), licenses: pythonLicenses(headers),
          locations: [locationOf(entry)], ...(Object.keys(metadata).length ? { metadata } : {}),
        });
      } catch (err) {
        warn(`cannot read Python package metadata: ${errorText(err)}`);
      }
    }
    return mergeByPurl(found);
  },
};
