/** SPDX 2.3, CycloneDX 1.6, SARIF 2.1.0 and CycloneDX VEX output, validated against the official schemas. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toSpdx } from '../../src/sbom/format/spdx.js';
import { toCycloneDx } from '../../src/sbom/format/cyclonedx.js';
import { licenseTerms } from '../../src/sbom/format/licenses.js';
import { toJsonReport } from '../../src/scan/report/json.js';
import { toSarif } from '../../src/scan/report/sarif.js';
import { toVex } from '../../src/scan/report/vex.js';
import { cycloneDxErrors, sarifErrors, spdxErrors } from '../helpers/supply-chain-schemas.js';
import { SAMPLE_PACKAGES, sampleReport, sampleSbom } from './sample-data.js';

test('licenses: SPDX expressions stay, free text becomes a LicenseRef, several are joined with AND', () => {
  assert.equal(licenseTerms([]), undefined);
  assert.deepEqual(licenseTerms(['MIT']), { expression: 'MIT', refs: [] });
  assert.deepEqual(licenseTerms(['GPL-3+']), { expression: 'LicenseRef-GPL-3', refs: [{ id: 'LicenseRef-GPL-3', text: 'GPL-3+' }] });
  assert.equal(licenseTerms(['MIT OR Apache-2.0', 'BSD-3-Clause'])!.expression, '(MIT OR Apache-2.0) AND BSD-3-Clause');
  assert.equal(licenseTerms(['MIT', 'MIT'])!.expression, 'MIT');
});

test('SPDX 2.3: valid against the schema, root package DESCRIBED, every package CONTAINED with purl, license and location', () => {
  const doc = toSpdx(sampleSbom()) as any;
  assert.deepEqual(spdxErrors(doc), []);
  assert.equal(doc.spdxVersion, 'SPDX-2.3');
  assert.match(doc.documentNamespace, /^https:\/\/berth\.invalid\/spdxdocs\/image\/debian-bookworm-[0-9a-f-]{36}$/);
  assert.notEqual(toSpdx(sampleSbom()).documentNamespace, doc.documentNamespace, 'each document has its own namespace');
  assert.deepEqual(doc.creationInfo.creators, ['Tool: berth-0.1.0']);
  assert.match(doc.creationInfo.comment, /Incomplete: 1 file\(s\).*status\.d\/broken/);

  const ids = doc.packages.map((p: any) => p.SPDXID);
  assert.equal(new Set(ids).size, ids.length, 'SPDX IDs are unique (the two lodash copies too)');
  for (const id of ids) assert.match(id, /^SPDXRef-[A-Za-z0-9.-]+$/);

  const describes = doc.relationships.filter((r: any) => r.relationshipType === 'DESCRIBES');
  assert.equal(describes.length, 1);
  const root = doc.packages.find((p: any) => p.SPDXID === describes[0].relatedSpdxElement);
  assert.equal(root.name, 'debian:bookworm');
  assert.equal(root.primaryPackagePurpose, 'CONTAINER');
  assert.match(root.externalRefs[0].referenceLocator, /^pkg:oci\/debian@sha256:2d3e/);

  const contained = new Set(doc.relationships.filter((r: any) => r.relationshipType === 'CONTAINS' && r.spdxElementId === root.SPDXID).map((r: any) => r.relatedSpdxElement));
  assert.equal(contained.size, SAMPLE_PACKAGES.length + 1, 'every package and the OS');

  const byName = (n: string) => doc.packages.filter((p: any) => p.name === n);
  const bash = byName('bash')[0];
  assert.equal(bash.versionInfo, '5.2.15-2+b7');
  assert.equal(bash.licenseDeclared, 'GPL-3.0-or-later');
  assert.equal(bash.licenseConcluded, 'NOASSERTION');
  assert.deepEqual(bash.externalRefs, [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: SAMPLE_PACKAGES[0]!.purl }]);
  assert.match(bash.sourceInfo, /\/var\/lib\/dpkg\/status \(layer sha256:6a0ac16/);
  assert.equal(byName('tzdata')[0].licenseDeclared, 'NOASSERTION');
  assert.equal(byName('libc6')[0].licenseDeclared, '(LGPL-2.1-or-later AND GPL-2.0-only) AND GFDL-1.3-or-later');
  assert.equal(byName('libc6')[0].comment, 'source package glibc 2.36-9+deb12u8');
  assert.equal(byName('coreutils')[0].licenseDeclared, 'LicenseRef-GPL-3');
  assert.equal(byName('requests')[0].licenseDeclared, 'LicenseRef-Apache-2.0');
  // every LicenseRef used is defined, with the original text
  const refs = new Map(doc.hasExtractedLicensingInfos.map((e: any) => [e.licenseId, e.extractedText]));
  assert.equal(refs.get('LicenseRef-GPL-3'), 'GPL-3+');
  assert.equal(refs.get('LicenseRef-Apache-2.0'), 'Apache 2.0');
  assert.equal(byName('lodash').length, 2);
});

test('SPDX 2.3: a directory source and an empty SBOM are valid too', () => {
  const dir = toSpdx(sampleSbom({ source: { type: 'directory', name: '/src/app' }, distro: undefined, packages: [], warnings: [] })) as any;
  assert.deepEqual(spdxErrors(dir), []);
  assert.equal(dir.packages.length, 1);
  assert.equal(dir.packages[0].primaryPackagePurpose, 'FILE');
  assert.equal(dir.packages[0].externalRefs, undefined);
});

test('CycloneDX 1.6: valid against the schema, components with purl, bom-ref, licenses and berth properties', () => {
  const bom = toCycloneDx(sampleSbom()) as any;
  assert.deepEqual(cycloneDxErrors(bom), []);
  assert.equal(bom.specVersion, '1.6');
  assert.match(bom.serialNumber, /^urn:uuid:[0-9a-f-]{36}$/);
  assert.equal(bom.metadata.component.type, 'container');
  assert.equal(bom.metadata.component.name, 'debian:bookworm');
  assert.deepEqual(bom.metadata.tools.components.map((c: any) => [c.name, c.version]), [['berth', '0.1.0']]);
  assert.ok(bom.metadata.properties.some((p: any) => p.name === 'berth:warning:0' && p.value.includes('status.d/broken')));

  const libs = bom.components.filter((c: any) => c.type === 'library');
  assert.equal(libs.length, SAMPLE_PACKAGES.length);
  const refs = bom.components.map((c: any) => c['bom-ref']);
  assert.equal(new Set(refs).size, refs.length, 'bom-refs are unique');
  assert.ok(bom.components.some((c: any) => c.type === 'operating-system' && c.name === 'debian' && c.version === '12'));

  const get = (n: string) => libs.find((c: any) => c.name === n);
  assert.equal(get('bash').purl, SAMPLE_PACKAGES[0]!.purl);
  assert.equal(get('bash')['bom-ref'], SAMPLE_PACKAGES[0]!.purl);
  assert.deepEqual(get('bash').licenses, [{ license: { id: 'GPL-3.0-or-later' } }]);
  assert.deepEqual(get('coreutils').licenses, [{ license: { name: 'GPL-3+' } }]);
  assert.deepEqual(get('golang.org/x/net').licenses, [{ expression: 'BSD-3-Clause OR MIT' }]);
  assert.deepEqual(get('libc6').licenses, [{ expression: '(LGPL-2.1-or-later AND GPL-2.0-only) AND GFDL-1.3-or-later' }]);
  assert.deepEqual(get('libgcc-s1').licenses, [{ expression: 'GPL-3.0-or-later WITH GCC-exception-3.1' }]);
  assert.equal(get('tzdata').licenses, undefined);
  const props = Object.fromEntries(get('libc6').properties.map((p: any) => [p.name, p.value]));
  assert.equal(props['berth:location:0:path'], '/var/lib/dpkg/status');
  assert.match(props['berth:location:0:layerID'], /^sha256:6a0ac16/);
  assert.equal(props['berth:package:sourceName'], 'glibc');
  assert.equal(props['berth:package:type'], 'deb');
});

test('CycloneDX 1.6: a container and a directory source', () => {
  for (const source of [{ type: 'container' as const, name: 'web-1' }, { type: 'directory' as const, name: '/srv/app' }]) {
    const bom = toCycloneDx(sampleSbom({ source, warnings: [] })) as any;
    assert.deepEqual(cycloneDxErrors(bom), []);
    assert.equal(bom.metadata.component.type, source.type === 'container' ? 'container' : 'file');
    assert.equal(bom.metadata.component.purl, undefined);
  }
});

test('scan JSON: findings most severe first, stable across runs', () => {
  const a = toJsonReport(sampleReport()) as any;
  const b = toJsonReport(sampleReport({ findings: [...sampleReport().findings].reverse() }));
  assert.deepEqual(JSON.stringify(a), JSON.stringify(b));
  assert.deepEqual(a.findings.map((f: any) => f.severity), ['CRITICAL', 'CRITICAL', 'HIGH', 'MEDIUM', 'LOW']);
  assert.equal(a.incomplete, true);
  assert.equal(a.findings[2].fixedIn, '2.36-9+deb12u9');
  assert.deepEqual(a.findings[3].ignored, { reason: 'proxy credentials are never used in this image', expires: '2027-01-01' });
});

test('SARIF 2.1.0: valid, one rule per advisory, level from severity, located at the package path', () => {
  const log = toSarif(sampleReport()) as any;
  assert.deepEqual(sarifErrors(log), []);
  const run = log.runs[0];
  const rules = run.tool.driver.rules;
  assert.deepEqual(rules.map((r: any) => r.id), ['GHSA-35jh-r3h4-6jhm', 'DSA-5678-1', 'PYSEC-2023-74', 'CVE-2022-3715']);
  assert.equal(rules[0].properties['security-severity'], '9.8');
  assert.equal(rules[2].properties['security-severity'], undefined, 'no score, no made-up one');
  assert.equal(run.results.length, 5);
  const levels = Object.fromEntries(run.results.map((r: any) => [r.ruleId, r.level]));
  assert.deepEqual(levels, { 'GHSA-35jh-r3h4-6jhm': 'error', 'DSA-5678-1': 'error', 'PYSEC-2023-74': 'warning', 'CVE-2022-3715': 'note' });
  const libc = run.results.find((r: any) => r.ruleId === 'DSA-5678-1');
  assert.equal(libc.locations[0].physicalLocation.artifactLocation.uri, 'var/lib/dpkg/status');
  assert.deepEqual([libc.properties.package, libc.properties.installed, libc.properties.fixed], ['libc6', '2.36-9+deb12u8', '2.36-9+deb12u9']);
  assert.equal(libc.ruleIndex, 1);
  const ignored = run.results.find((r: any) => r.ruleId === 'PYSEC-2023-74');
  assert.deepEqual(ignored.suppressions, [{ kind: 'external', justification: 'proxy credentials are never used in this image (until 2027-01-01)' }]);
  assert.equal(run.invocations[0].executionSuccessful, false, 'an incomplete scan says so');
  // an empty report is valid too
  assert.deepEqual(sarifErrors(toSarif(sampleReport({ findings: [], warnings: [], incomplete: false }))), []);
});

test('CycloneDX VEX: valid 1.6, vulnerabilities point at component bom-refs, ignored ones are not_affected', () => {
  const vex = toVex(sampleReport()) as any;
  assert.deepEqual(cycloneDxErrors(vex), []);
  const refs = new Set(vex.components.map((c: any) => c['bom-ref']));
  assert.equal(vex.components.length, 5, 'one component per affected package (two lodash copies)');
  assert.equal(vex.vulnerabilities.length, 5);
  for (const v of vex.vulnerabilities) for (const a of v.affects) assert.ok(refs.has(a.ref), `${a.ref} is a component`);
  const byId = (id: string) => vex.vulnerabilities.filter((v: any) => v.id === id);
  const dsa = byId('DSA-5678-1')[0];
  assert.deepEqual(dsa.ratings, [{ score: 7.3, severity: 'high', method: 'CVSSv31', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:L' }]);
  assert.equal(dsa.source.name, 'debian-osv');
  assert.equal(dsa.analysis.state, 'exploitable');
  assert.equal(dsa.references[0].id, 'CVE-2024-2961');
  const py = byId('PYSEC-2023-74')[0];
  assert.equal(py.analysis.state, 'not_affected');
  assert.match(py.analysis.detail, /proxy credentials.*2027-01-01/);
  assert.equal(py.ratings[0].method, 'CVSSv2');
  assert.equal(byId('GHSA-35jh-r3h4-6jhm').length, 2);
  assert.deepEqual(byId('GHSA-35jh-r3h4-6jhm')[0].advisories, [{ url: 'https://github.com/advisories/GHSA-35jh-r3h4-6jhm' }], 'only URLs become advisories');
  assert.deepEqual(cycloneDxErrors(toVex(sampleReport({ findings: [] }))), []);
});

test('tables: packages like syft (NAME VERSION TYPE LICENSE LAYER), findings like Trivy, templates per row', async () => {
  const { renderPackages, renderFindings } = await import('../../src/cli/supply-chain-tables.js');
  const table = renderPackages('', SAMPLE_PACKAGES).split('\n');
  assert.match(table[0]!, /^NAME\s+VERSION\s+TYPE\s+LICENSE\s+LAYER$/);
  assert.match(table[1]!, /^bash\s+5\.2\.15-2\+b7\s+deb\s+GPL-3\.0-or-later\s+6a0ac1617861$/);
  assert.equal(table.length, SAMPLE_PACKAGES.length + 2); // header, rows, final newline
  assert.equal(renderPackages('{{.Name}}={{.Version}} {{.Path}}', SAMPLE_PACKAGES.slice(0, 1)), 'bash=5.2.15-2+b7 /var/lib/dpkg/status\n');
  assert.equal(renderPackages('table {{.Name}}\t{{.Purl}}', SAMPLE_PACKAGES.slice(0, 1)).split('\n')[0]!.trim().replace(/\s+/g, ' '), 'NAME PURL');
  assert.deepEqual(JSON.parse(renderPackages('json', SAMPLE_PACKAGES.slice(0, 1))), JSON.parse(JSON.stringify(SAMPLE_PACKAGES[0])));
  const findings = renderFindings('', sampleReport().findings).split('\n');
  assert.match(findings[0]!, /^NAME\s+INSTALLED\s+FIXED-IN\s+TYPE\s+VULNERABILITY\s+SEVERITY\s+LAYER$/);
  assert.match(findings[1]!, /^lodash\s+4\.17\.20\s+4\.17\.21\s+npm\s+GHSA-35jh-r3h4-6jhm\s+CRITICAL\s+b8d3e2c7a01f$/);
  assert.match(findings[5]!, /^bash\s+5\.2\.15-2\+b7\s+deb\s+CVE-2022-3715\s+LOW\s+6a0ac1617861$/, 'no fix: empty column');
});

test('format names: each document format by name, an unknown name refused with a coded error', async () => {
  const { formatSbom } = await import('../../src/sbom/format/index.js');
  const { formatScanReport } = await import('../../src/scan/report/index.js');
  assert.equal((formatSbom(sampleSbom(), 'spdx-json') as any).spdxVersion, 'SPDX-2.3');
  assert.equal((formatSbom(sampleSbom(), 'cyclonedx-json') as any).specVersion, '1.6');
  assert.equal((formatSbom(sampleSbom(), 'json') as any).packages.length, SAMPLE_PACKAGES.length);
  assert.throws(() => formatSbom(sampleSbom(), 'spdx-tag-value'), (e: any) => e.code === 'ERR_SBOM_OUTPUT_FORMAT' && /spdx-tag-value/.test(e.message));
  assert.equal((formatScanReport(sampleReport(), 'sarif') as any).version, '2.1.0');
  assert.equal((formatScanReport(sampleReport(), 'cyclonedx-vex') as any).vulnerabilities.length, 5);
  assert.throws(() => formatScanReport(sampleReport(), 'xml'), (e: any) => e.status === 400);
});
