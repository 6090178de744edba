/** Benchmark cases of berth scan. */
import type { Case } from '../lib/types.js';

export const SCAN_CASES: Case[] = [];
