/** Benchmark cases of this area (filled in by the feature's work). */
import type { Case } from '../lib/types.js';

export const EVENTS_CASES: Case[] = [];
