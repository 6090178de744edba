/**
 * The Engine API's route modules that `berth serve` imports on first use: building (the builder and
 * lint), SBOMs (the catalogers, CycloneDX and its JSON-schema validator), scans and the audit are
 * about 500 modules that a daemon which only runs containers never needs (docs/performance.md#memory).
 * Each list is the (method, pattern) pairs its module registers, in order; test/api/lazy-routes.test.ts
 * checks them against the module.
 */
import type { Router } from './router.js';

export const LAZY_ROUTE_LISTS = {
  build: [['POST', '/build'], ['POST', '/build/prune']],
  sbom: [['GET', '/berth/images/(.+)/sbom'], ['GET', '/berth/containers/([^/]+)/sbom']],
  scan: [
    ['POST', '/berth/scan/db/import'], ['GET', '/berth/scan/db/status'],
    ['GET', '/berth/images/(.+)/scan'], ['GET', '/berth/containers/([^/]+)/scan'], ['POST', '/berth/scan/sbom'],
  ],
  audit: [['GET', '/berth/audit']],
} as const satisfies Record<string, ReadonlyArray<readonly [string, string]>>;

export function buildRoutes(r: Router): void {
  r.lazy(LAZY_ROUTE_LISTS.build, async () => (await import('./routes/build.js')).buildRoutes);
}

export function sbomRoutes(r: Router): void {
  r.lazy(LAZY_ROUTE_LISTS.sbom, async () => (await import('./routes/sbom.js')).sbomRoutes);
}

export function scanRoutes(r: Router): void {
  r.lazy(LAZY_ROUTE_LISTS.scan, async () => (await import('./routes/scan.js')).scanRoutes);
}

export function auditRoutes(r: Router): void {
  r.lazy(LAZY_ROUTE_LISTS.audit, async () => (await import('./routes/audit.js')).auditRoutes);
}
