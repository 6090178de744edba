/** berth's own sbom endpoints under /berth/: filled in by its issue's work. */
import type { Router } from '../router.js';

export function sbomRoutes(_r: Router): void {}
