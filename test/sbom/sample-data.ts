/** A realistic SBOM and scan report (Debian packages, npm, Python, Go) for the format tests. */
import type { Sbom, SbomPackage } from '../../src/sbom/types.js';
import type { Finding, ScanReport } from '../../src/scan/types.js';

const L1 = 'sha256:6a0ac1617861a677b045b7ff88545213ec31c0ff08763195a70a4a5adda577bb';
const L2 = 'sha256:b8d3e2c7a01f3ad5e7a1b6c4d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f809112';

function deb(name: string, version: string, licenses: string[], source?: [string, string]): SbomPackage {
  return {
    name, version, type: 'deb', licenses, arch: 'amd64',
    purl: `pkg:deb/debian/${name}@${encodeURIComponent(version)}?arch=amd64&distro=debian-12`,
    locations: [{ path: '/var/lib/dpkg/status', layerDigest: L1 }],
    ...(source ? { sourceName: source[0], sourceVersion: source[1] } : {}),
    metadata: { maintainer: 'Debian Maintainers <debian@example.org>', installedSize: 1024 },
  };
}

export const SAMPLE_PACKAGES: SbomPackage[] = [
  deb('bash', '5.2.15-2+b7', ['GPL-3.0-or-later']),
  deb('coreutils', '9.1-1', ['GPL-3+']), // Debian's own shorthand: not an SPDX ID
  deb('libc6', '2.36-9+deb12u8', ['LGPL-2.1-or-later AND GPL-2.0-only', 'GFDL-1.3-or-later'], ['glibc', '2.36-9+deb12u8']),
  deb('tzdata', '2024a-0+deb12u1', []),
  deb('libgcc-s1', '12.2.0-14', ['GPL-3.0-or-later WITH GCC-exception-3.1']),
  deb('base-files', '12.4+deb12u6', ['GPL-2.0+']), // a deprecated SPDX ID
  {
    name: 'lodash', version: '4.17.20', type: 'npm', licenses: ['MIT'], purl: 'pkg:npm/lodash@4.17.20',
    locations: [{ path: '/app/node_modules/lodash/package.json', layerDigest: L2 }],
  },
  {
    // the same package installed twice, in two places
    name: 'lodash', version: '4.17.20', type: 'npm', licenses: ['MIT'], purl: 'pkg:npm/lodash@4.17.20',
    locations: [{ path: '/app/node_modules/nested/node_modules/lodash/package.json', layerDigest: L2 }],
  },
  {
    name: 'requests', version: '2.31.0', type: 'python', licenses: ['Apache 2.0'], purl: 'pkg:pypi/requests@2.31.0',
    locations: [{ path: '/usr/lib/python3/dist-packages/requests-2.31.0.dist-info/METADATA', layerDigest: L2 }],
  },
  {
    name: 'golang.org/x/net', version: 'v0.17.0', type: 'go-module', licenses: ['BSD-3-Clause OR MIT'],
    purl: 'pkg:golang/golang.org/x/net@v0.17.0', locations: [{ path: '/usr/local/bin/app', layerDigest: L2 }],
  },
];

export function sampleSbom(over: Partial<Sbom> = {}): Sbom {
  return {
    source: {
      type: 'image', name: 'debian:bookworm',
      imageId: 'sha256:1c7f8d7ae7de7cc3e1f9b5bc1ba2b3a4c5d6e7f8091a2b3c4d5e6f708192a3b4',
      manifestDigest: 'sha256:2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7a',
      layers: [L1, L2],
    },
    distro: { id: 'debian', versionId: '12', versionCodename: 'bookworm', prettyName: 'Debian GNU/Linux 12 (bookworm)' },
    packages: SAMPLE_PACKAGES,
    warnings: [{ path: '/var/lib/dpkg/status.d/broken', cataloger: 'dpkg', message: 'no Package field', layerDigest: L2 }],
    created: '2026-12-06T10:00:00.000Z',
    tool: { name: 'berth', version: '0.1.0' },
    ...over,
  };
}

function finding(pkg: SbomPackage, over: Partial<Finding>): Finding {
  return {
    id: 'X', aliases: [], severity: 'UNKNOWN', package: pkg, installed: pkg.version,
    source: 'debian-osv', references: [], ...over,
  };
}

const [bash, , libc6, , , , lodash, lodash2, requests] = SAMPLE_PACKAGES;

export function sampleReport(over: Partial<ScanReport> = {}): ScanReport {
  return {
    target: { type: 'image', name: 'debian:bookworm', imageId: sampleSbom().source.imageId!, distro: 'debian 12' },
    findings: [
      finding(libc6!, {
        id: 'DSA-5678-1', aliases: ['CVE-2024-2961'], summary: 'glibc: out-of-bounds write in iconv', severity: 'HIGH',
        cvssScore: 7.3, cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:L', fixedIn: '2.36-9+deb12u9',
        references: ['https://security-tracker.debian.org/tracker/DSA-5678-1'],
      }),
      finding(bash!, { id: 'CVE-2022-3715', aliases: [], summary: 'bash: heap buffer overflow in valid_parameter_transform', severity: 'LOW' }),
      finding(lodash!, {
        id: 'GHSA-35jh-r3h4-6jhm', aliases: ['CVE-2021-23337'], summary: 'Command Injection in lodash', severity: 'CRITICAL',
        cvssScore: 9.8, cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', fixedIn: '4.17.21', source: 'ghsa',
        references: ['https://github.com/advisories/GHSA-35jh-r3h4-6jhm', 'not a url'],
      }),
      finding(lodash2!, {
        id: 'GHSA-35jh-r3h4-6jhm', aliases: ['CVE-2021-23337'], summary: 'Command Injection in lodash', severity: 'CRITICAL',
        cvssScore: 9.8, fixedIn: '4.17.21', source: 'ghsa',
      }),
      finding(requests!, {
        id: 'PYSEC-2023-74', aliases: ['CVE-2023-32681', 'GHSA-j8r2-6x86-q33q'], severity: 'MEDIUM', fixedIn: '2.31.1',
        cvssVector: 'AV:N/AC:L/Au:N/C:P/I:N/A:N', source: 'pypi',
        ignored: { reason: 'proxy credentials are never used in this image', expires: '2027-01-01' },
      }),
    ],
    packagesScanned: SAMPLE_PACKAGES.length,
    warnings: [{ path: '/var/lib/dpkg/status.d/broken', message: 'dpkg: no Package field' }],
    incomplete: true,
    db: { advisories: 1234, sources: ['debian-osv', 'ghsa', 'pypi'], updated: '2026-12-01T00:00:00Z' },
    created: '2026-12-06T10:00:00.000Z',
    ...over,
  };
}
