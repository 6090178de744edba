/**
 * The SBOM model that catalogers fill and the SPDX/CycloneDX writers and the scanner read.
 * It follows syft's split: a package is found at one or more locations (a path in a layer), and is
 * named by a purl so that every format and the vulnerability matcher agree on identity.
 */

/** Which cataloger found a package; also its ecosystem for version ordering. */
export type PackageType = 'deb' | 'apk' | 'rpm' | 'npm' | 'python' | 'go-module' | 'java-archive';

export interface PackageLocation {
  /** absolute path inside the filesystem, e.g. `/var/lib/dpkg/status` */
  path: string;
  /** the layer's diff ID (sha256 of the uncompressed tar) that holds this file, when the source is an image */
  layerDigest?: string;
}

export interface SbomPackage {
  name: string;
  version: string;
  type: PackageType;
  /** package URL, https://github.com/package-url/purl-spec (`pkg:deb/debian/bash@5.2.15-2+b2?arch=amd64&distro=debian-12`) */
  purl: string;
  /** SPDX license expressions as declared (`GPL-3.0-or-later`, `MIT OR Apache-2.0`); empty when unknown */
  licenses: string[];
  locations: PackageLocation[];
  /** the source package (deb `Source:`, apk origin, rpm source rpm), for advisories keyed by source */
  sourceName?: string;
  sourceVersion?: string;
  arch?: string;
  /** type-specific extra fields (maintainer, installed size, go main module, jar group id…) */
  metadata?: Record<string, string | number | boolean>;
}

/** The operating system, from /etc/os-release (or /usr/lib/os-release). */
export interface DistroInfo { id: string; versionId?: string; versionCodename?: string; prettyName?: string }

export interface SbomWarning {
  /** the file that could not be read or parsed */
  path: string;
  cataloger: string;
  message: string;
  layerDigest?: string;
}

export interface SbomSource {
  type: 'image' | 'container' | 'directory';
  /** what the user named: an image reference, a container name, a path */
  name: string;
  /** the image ID (config digest) */
  imageId?: string;
  /** the manifest digest, when the image has one */
  manifestDigest?: string;
  /** layer diff IDs, bottom first */
  layers?: string[];
}

export interface Sbom {
  source: SbomSource;
  distro?: DistroInfo;
  /** sorted by type, name, version */
  packages: SbomPackage[];
  /** files a cataloger could not parse: the SBOM is incomplete, and says so */
  warnings: SbomWarning[];
  /** RFC 3339 */
  created: string;
  tool: { name: string; version: string };
}
