/**
 * Java archives (.jar, .war, .ear): each `META-INF/maven/<group>/<artifact>/pom.properties` is a Maven
 * package `pkg:maven/<group>/<artifact>@<version>`; an archive without one is named by its
 * `META-INF/MANIFEST.MF` (Implementation-Title/Version, Bundle-SymbolicName/Version) or its file name.
 * Archives inside an archive (Spring Boot's BOOT-INF/lib, a war's WEB-INF/lib, shaded fat jars) are read
 * one level deep. Zip reading is fflate's; only the few entries needed are inflated.
 */
import { unzipSync } from 'fflate';
import { PackageURL } from 'packageurl-js';
import type { Cataloger } from '../cataloger.js';
import type { TreeEntry } from '../file-tree.js';
import type { PackageLocation, SbomPackage } from '../types.js';
import { baseName, errorText, languageFiles, locationOf, mergeByPurl } from './lang-common.js';
import { spdxLicense } from './spdx-license.js';

const NAME = 'java-archive';
const ARCHIVE = /\.(jar|war|ear|par|sar|jpi|hpi)$/i;
/** Archives larger than this are not opened (they are read whole: zip keeps its directory at the end). */
const MAX_ARCHIVE_BYTES = 256 * 1024 * 1024;
const MAX_NESTED_BYTES = 64 * 1024 * 1024;
const MAX_NESTED_ARCHIVES = 2000;
const MAX_TEXT_ENTRY = 1024 * 1024;

export function mavenPurl(group: string, artifact: string, version: string): string {
  return new PackageURL('maven', group || null, artifact, version || null, null, null).toString();
}

/** The main section of a manifest: `Key: value` lines, continuation lines start with one space. */
export function parseManifest(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let lastKey: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === '') { if (out.size) break; continue; }
    if (line.startsWith(' ')) { if (lastKey) out.set(lastKey, out.get(lastKey)! + line.slice(1)); continue; }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    lastKey = line.slice(0, colon).trim();
    out.set(lastKey, line.slice(colon + 1).trim());
  }
  return out;
}

/** Java properties, the simple subset pom.properties uses (`key=value`, `#` comments). */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (m) out.set(m[1]!, m[2]!.trim());
  }
  return out;
}

/** `commons-lang3-3.12.0.jar` → name `commons-lang3`, version `3.12.0`. */
export function nameFromFileName(file: string): { name: string; version: string } {
  const stem = baseName(file).replace(ARCHIVE, '');
  const m = /^(.+?)-(\d[\w.+-]*)$/.exec(stem);
  return m ? { name: m[1]!, version: m[2]! } : { name: stem, version: '' };
}

function manifestLicenses(manifest: Map<string, string>): string[] {
  const declared = manifest.get('Bundle-License');
  if (!declared) return [];
  // Bundle-License is a comma list of licenses, each optionally `;description=…;link=…`
  const ids = declared.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/).map((l) => spdxLicense(l.split(';')[0]!.replace(/"/g, '')));
  const uniq = [...new Set(ids.filter((e): e is string => e !== undefined))];
  return uniq.length > 1 ? [uniq.join(' AND ')] : uniq;
}

interface Archive { files: Record<string, Uint8Array>; nested: Record<string, Uint8Array> }

function openArchive(data: Uint8Array, allowNested: boolean): Archive {
  const nested: Record<string, Uint8Array> = {};
  let nestedCount = 0;
  const files = unzipSync(data, {
    filter: (f) => {
      if (f.name === 'META-INF/MANIFEST.MF' || /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/.test(f.name)) return f.originalSize <= MAX_TEXT_ENTRY;
      return allowNested && ARCHIVE.test(f.name) && f.originalSize <= MAX_NESTED_BYTES && ++nestedCount <= MAX_NESTED_ARCHIVES;
    },
  });
  for (const name of Object.keys(files)) {
    if (ARCHIVE.test(name)) { nested[name] = files[name]!; delete files[name]; }
  }
  return { files, nested };
}

/** The packages one archive holds (the nested ones' virtual path is `outer.jar:inner.jar`). */
function packagesOfArchive(archive: Archive, virtualPath: string, location: PackageLocation): SbomPackage[] {
  const text = (name: string): string | undefined => (archive.files[name] ? Buffer.from(archive.files[name]!).toString('utf8') : undefined);
  const manifestText = text('META-INF/MANIFEST.MF');
  const manifest = manifestText !== undefined ? parseManifest(manifestText) : new Map<string, string>();
  const licenses = manifestLicenses(manifest);
  const fromFile = nameFromFileName(virtualPath);
  const out: SbomPackage[] = [];
  const poms = Object.keys(archive.files).filter((n) => n.endsWith('/pom.properties')).sort();
  for (const pomPath of poms) {
    const props = parseProperties(text(pomPath) ?? '');
    const [, , dirGroup, dirArtifact] = pomPath.split('/');
    const group = props.get('groupId') ?? dirGroup ?? '';
    const artifact = props.get('artifactId') ?? dirArtifact ?? '';
    const version = props.get('version') ?? '';
    if (!artifact || !version) continue;
    // the manifest's license is the archive's own: give it to the pom that names the archive
    const own = poms.length === 1 || artifact === fromFile.name;
    out.push({
      name: artifact, version, type: 'java-archive', purl: mavenPurl(group, artifact, version),
      licenses: own ? licenses : [], locations: [location],
      metadata: { groupId: group, artifactId: artifact, virtualPath, pomProperties: pomPath },
    });
  }
  if (out.length) return out;
  const name = manifest.get('Implementation-Title') ?? manifest.get('Bundle-SymbolicName')?.split(';')[0] ?? fromFile.name;
  const version = manifest.get('Implementation-Version') ?? manifest.get('Bundle-Version') ?? fromFile.version;
  if (!name || !version) return [];
  // the file name is the artifact id in practice (titles are prose: "Apache Commons Lang"); the group
  // is the vendor id when declared, else the artifact again (what syft writes when it knows no group)
  const artifact = fromFile.name || name;
  const group = manifest.get('Implementation-Vendor-Id') ?? artifact;
  return [{
    name: artifact, version, type: 'java-archive', purl: mavenPurl(group, artifact, version), licenses, locations: [location],
    metadata: { virtualPath, ...(manifest.get('Implementation-Title') ? { implementationTitle: manifest.get('Implementation-Title')! } : {}) },
  }];
}

const javaFiles = languageFiles((e: TreeEntry) => e.kind === 'file' && ARCHIVE.test(e.path));

export const javaCataloger: Cataloger = {
  name: NAME,
  async catalog(ctx) {
    const found: SbomPackage[] = [];
    for (const entry of javaFiles(ctx.tree)) {
      const warn = (message: string): void => ctx.warn({ path: entry.path, message, ...(entry.layerDigest ? { layerDigest: entry.layerDigest } : {}) });
      if (entry.size > MAX_ARCHIVE_BYTES) { warn(`Java archive larger than ${MAX_ARCHIVE_BYTES} bytes: not read`); continue; }
      let archive: Archive;
      try {
        archive = openArchive(await ctx.tree.readFile(entry.path), true);
      } catch (err) {
        warn(`cannot read Java archive: ${errorText(err)}`);
        continue;
      }
      const location = locationOf(entry);
      found.push(...packagesOfArchive(archive, entry.path, location));
      for (const [inner, data] of Object.entries(archive.nested).sort(([a], [b]) => a.localeCompare(b))) {
        const virtualPath = `${entry.path}:${inner}`;
        try {
          found.push(...packagesOfArchive(openArchive(data, false), virtualPath, location));
        } catch (err) {
          warn(`cannot read nested Java archive ${inner}: ${errorText(err)}`);
        }
      }
    }
    return mergeByPurl(found);
  },
};
