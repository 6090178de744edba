/** Benchmark cases of berth sbom. */
import type { Case } from '../lib/types.js';

export const SBOM_CASES: Case[] = [];
