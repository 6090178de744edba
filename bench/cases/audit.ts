/** Benchmark cases of berth audit. */
import type { Case } from '../lib/types.js';

export const AUDIT_CASES: Case[] = [];
