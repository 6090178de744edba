/** berth's own scan endpoints under /berth/: filled in by its issue's work. */
import type { Router } from '../router.js';

export function scanRoutes(_r: Router): void {}
