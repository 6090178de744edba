/** berth's own audit endpoints under /berth/: filled in by its issue's work. */
import type { Router } from '../router.js';

export function auditRoutes(_r: Router): void {}
