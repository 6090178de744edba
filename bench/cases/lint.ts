/** Benchmark cases of berth lint. */
import type { Case } from '../lib/types.js';

export const LINT_CASES: Case[] = [];
