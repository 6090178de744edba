/**
 * CycloneDX 1.6 JSON through @cyclonedx/cyclonedx-library (its models and its 1.6 JSON serializer),
 * so the output follows the spec the library implements. The scanner's VEX report builds on the
 * same components (see src/scan/report/vex.ts).
 */
import { randomUUID } from 'node:crypto';
import { Enums, Models, SPDX, Serialize, Spec } from '@cyclonedx/cyclonedx-library';
import type { Sbom, SbomPackage, SbomSource } from '../types.js';
import { isSimpleLicense, isSpdxExpression, licenseTerms } from './licenses.js';
import { packageRefs } from './package-refs.js';
import { sourcePurl, sourceVersion } from './source.js';

export interface CycloneDxOptions {
  /** `urn:uuid:…`; a new one by default */
  serialNumber?: string;
}

/** Properties named like syft's (`syft:location:0:path`) under berth's own namespace. */
export function packageProperties(p: SbomPackage): Models.Property[] {
  const props: Models.Property[] = [new Models.Property('berth:package:type', p.type)];
  p.locations.forEach((l, i) => {
    props.push(new Models.Property(`berth:location:${i}:path`, l.path));
    if (l.layerDigest) props.push(new Models.Property(`berth:location:${i}:layerID`, l.layerDigest));
  });
  if (p.sourceName) props.push(new Models.Property('berth:package:sourceName', p.sourceName));
  if (p.sourceVersion) props.push(new Models.Property('berth:package:sourceVersion', p.sourceVersion));
  if (p.arch) props.push(new Models.Property('berth:package:arch', p.arch));
  for (const [k, v] of Object.entries(p.metadata ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    props.push(new Models.Property(`berth:metadata:${k}`, String(v)));
  }
  return props;
}

/**
 * CycloneDX takes either a list of single licenses (by SPDX ID or by name) or exactly one
 * expression; several licenses of which one is compound become one expression joined with AND.
 */
export function packageLicenses(licenses: string[]): Models.LicenseRepository {
  const repo = new Models.LicenseRepository();
  const texts = licenses.map((l) => l.trim()).filter((l) => l !== '');
  if (texts.length === 0) return repo;
  const compound = texts.some((t) => isSpdxExpression(t) && !isSimpleLicense(t));
  if (compound) {
    repo.add(new Models.LicenseExpression(licenseTerms(texts)!.expression));
    return repo;
  }
  for (const t of new Set(texts)) {
    const id = isSpdxExpression(t) ? t : undefined;
    // an ID the CycloneDX list lacks (deprecated `GPL-2.0+`, `X WITH exception`) goes out as an expression
    if (id && SPDX.isSupportedSpdxId(id)) repo.add(new Models.SpdxLicense(id));
    else if (id) repo.add(new Models.LicenseExpression(id));
    else repo.add(new Models.NamedLicense(t));
  }
  if ([...repo].some((l) => l instanceof Models.LicenseExpression) && repo.size > 1) {
    const all = new Models.LicenseRepository();
    all.add(new Models.LicenseExpression(licenseTerms(texts)!.expression));
    return all;
  }
  return repo;
}

export function packageComponent(p: SbomPackage, ref: string): Models.Component {
  return new Models.Component(Enums.ComponentType.Library, p.name, {
    bomRef: ref,
    version: p.version,
    purl: p.purl,
    licenses: packageLicenses(p.licenses),
    properties: new Models.PropertyRepository(packageProperties(p)),
  });
}

/** The image/container/directory as the BOM's metadata component. */
export function sourceComponent(source: SbomSource): Models.Component {
  const type = source.type === 'directory' ? Enums.ComponentType.File : Enums.ComponentType.Container;
  const props = new Models.PropertyRepository([new Models.Property('berth:source:type', source.type)]);
  if (source.manifestDigest) props.add(new Models.Property('berth:image:manifestDigest', source.manifestDigest));
  (source.layers ?? []).forEach((l, i) => props.add(new Models.Property(`berth:image:layer:${i}`, l)));
  return new Models.Component(type, source.name, {
    bomRef: `berth-source:${source.type}:${source.name}`,
    version: sourceVersion(source),
    purl: sourcePurl(source),
    properties: props,
  });
}

export function bomMetadata(source: SbomSource, tool: { name: string; version: string }, created: string): Models.Metadata {
  const tools = new Models.Tools({
    components: new Models.ComponentRepository([
      new Models.Component(Enums.ComponentType.Application, tool.name, { version: tool.version }),
    ]),
  });
  return new Models.Metadata({ timestamp: new Date(created), tools, component: sourceComponent(source) });
}

/** The BOM as a plain JSON object, CycloneDX 1.6, lists sorted (so the same input gives the same output). */
export function serializeBom(bom: Models.Bom): Record<string, unknown> {
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  return JSON.parse(serializer.serialize(bom, { sortLists: true })) as Record<string, unknown>;
}

export function newSerialNumber(): string {
  return `urn:uuid:${randomUUID()}`;
}

export function toCycloneDx(sbom: Sbom, opts: CycloneDxOptions = {}): Record<string, unknown> {
  const bom = new Models.Bom({ serialNumber: opts.serialNumber ?? newSerialNumber() });
  bom.metadata = bomMetadata(sbom.source, sbom.tool, sbom.created);
  if (sbom.warnings.length) {
    // the SBOM is incomplete: say which files could not be read, where readers of the BOM look
    sbom.warnings.forEach((w, i) => bom.metadata.properties.add(new Models.Property(`berth:warning:${i}`, `${w.path}: ${w.cataloger}: ${w.message}`)));
  }
  if (sbom.distro) {
    bom.components.add(new Models.Component(Enums.ComponentType.OperatingSystem, sbom.distro.id, {
      bomRef: `os:${sbom.distro.id}@${sbom.distro.versionId ?? ''}`,
      version: sbom.distro.versionId,
      description: sbom.distro.prettyName,
    }));
  }
  const refs = packageRefs(sbom.packages);
  sbom.packages.forEach((p, i) => bom.components.add(packageComponent(p, refs[i]!)));
  return serializeBom(bom);
}
