/**
 * SPDX 2.3 JSON (https://spdx.github.io/spdx-spec/v2.3/). One package stands for the source (the image,
 * container or directory) and the document DESCRIBES it; it CONTAINS every catalogued package.
 * Written by hand: there is no maintained SPDX 2.3 writer for JavaScript, and the format is plain JSON.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Sbom, SbomPackage } from '../types.js';
import { licenseTerms } from './licenses.js';
import { foundBy, locationText, sourcePurl, sourceVersion } from './source.js';

const NOASSERTION = 'NOASSERTION';
/** syft's names for the root package's SPDX ID (`SPDXRef-DocumentRoot-Image-debian`) */
const ROOT_KIND = { image: 'Image', container: 'Container', directory: 'Directory' } as const;

export interface SpdxOptions {
  /** the document's unique URI; a new one (random UUID) by default */
  namespace?: string;
}

/** SPDX idstrings allow letters, digits, `.` and `-` only. */
function idstring(text: string): string {
  return text.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '');
}

function packageId(p: SbomPackage, used: Set<string>): string {
  const where = p.locations.map((l) => `${l.layerDigest ?? ''}${l.path}`).join('\n');
  const hash = createHash('sha256').update(`${p.purl}\n${where}`).digest('hex');
  let id = `SPDXRef-Package-${idstring(p.type)}-${idstring(p.name)}-${hash.slice(0, 16)}`;
  for (let n = 2; used.has(id); n++) id = `SPDXRef-Package-${idstring(p.type)}-${idstring(p.name)}-${hash.slice(0, 16)}-${n}`;
  used.add(id);
  return id;
}

export function spdxNamespace(sbom: Sbom): string {
  const name = idstring(sbom.source.name) || 'unnamed';
  return `https://berth.invalid/spdxdocs/${sbom.source.type}/${name}-${randomUUID()}`;
}

export function toSpdx(sbom: Sbom, opts: SpdxOptions = {}): Record<string, unknown> {
  const used = new Set<string>();
  const extracted = new Map<string, string>();
  const rootId = `SPDXRef-DocumentRoot-${ROOT_KIND[sbom.source.type]}-${idstring(sbom.source.name)}`;
  used.add(rootId);

  const rootPurl = sourcePurl(sbom.source);
  const rootVersion = sourceVersion(sbom.source);
  const root: Record<string, unknown> = {
    SPDXID: rootId,
    name: sbom.source.name,
    ...(rootVersion ? { versionInfo: rootVersion } : {}),
    downloadLocation: NOASSERTION,
    filesAnalyzed: false,
    licenseConcluded: NOASSERTION,
    licenseDeclared: NOASSERTION,
    copyrightText: NOASSERTION,
    primaryPackagePurpose: sbom.source.type === 'directory' ? 'FILE' : 'CONTAINER',
    ...(rootPurl ? { externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: rootPurl }] } : {}),
    ...(sbom.source.layers?.length ? { comment: `layers (diff IDs, bottom first): ${sbom.source.layers.join(', ')}` } : {}),
  };

  const relationships: Array<Record<string, string>> = [
    { spdxElementId: 'SPDXRef-DOCUMENT', relatedSpdxElement: rootId, relationshipType: 'DESCRIBES' },
  ];
  const packages: Array<Record<string, unknown>> = [root];

  if (sbom.distro) {
    const osId = 'SPDXRef-OperatingSystem-' + idstring(sbom.distro.id);
    used.add(osId);
    packages.push({
      SPDXID: osId,
      name: sbom.distro.id,
      ...(sbom.distro.versionId ? { versionInfo: sbom.distro.versionId } : {}),
      downloadLocation: NOASSERTION,
      filesAnalyzed: false,
      licenseConcluded: NOASSERTION,
      licenseDeclared: NOASSERTION,
      copyrightText: NOASSERTION,
      primaryPackagePurpose: 'OPERATING_SYSTEM',
      ...(sbom.distro.prettyName ? { description: sbom.distro.prettyName } : {}),
    });
    relationships.push({ spdxElementId: rootId, relatedSpdxElement: osId, relationshipType: 'CONTAINS' });
  }

  for (const p of sbom.packages) {
    const id = packageId(p, used);
    const terms = licenseTerms(p.licenses);
    for (const r of terms?.refs ?? []) extracted.set(r.id, r.text);
    const source = p.sourceName ? `source package ${p.sourceName}${p.sourceVersion ? ' ' + p.sourceVersion : ''}` : undefined;
    packages.push({
      SPDXID: id,
      name: p.name,
      versionInfo: p.version,
      downloadLocation: NOASSERTION,
      filesAnalyzed: false,
      // berth reports what the package declares and draws no conclusion of its own
      licenseConcluded: NOASSERTION,
      licenseDeclared: terms?.expression ?? NOASSERTION,
      copyrightText: NOASSERTION,
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: p.purl }],
      sourceInfo: `acquired package info from ${foundBy(p.type)}: ${locationText(p)}`,
      ...(source ? { comment: source } : {}),
    });
    relationships.push({ spdxElementId: rootId, relatedSpdxElement: id, relationshipType: 'CONTAINS' });
  }

  const warnings = sbom.warnings.length
    ? ` Incomplete: ${sbom.warnings.length} file(s) could not be read: ${sbom.warnings.map((w) => `${w.path} (${w.cataloger}: ${w.message})`).join('; ')}`
    : '';
  const doc: Record<string, unknown> = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: sbom.source.name,
    documentNamespace: opts.namespace ?? spdxNamespace(sbom),
    creationInfo: {
      created: new Date(sbom.created).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      creators: [`Tool: ${sbom.tool.name}-${sbom.tool.version}`],
      comment: `SBOM of the ${sbom.source.type} ${sbom.source.name}.${warnings}`,
    },
    packages,
    relationships,
  };
  if (extracted.size) {
    doc.hasExtractedLicensingInfos = [...extracted].map(([licenseId, text]) => ({
      licenseId, extractedText: text, name: text,
    }));
  }
  return doc;
}
