/** berth's own rules (BL codes): filled by the lint-own work; the runner takes them from here. */
import type { LintRule } from '../../types.js';

export const BERTH_RULES: LintRule[] = [];
