/**
 * Scale: how costs grow with the number of containers and images (10, 100, 1,000), as series so the
 * report draws each tool's curve. Filled in by issue 27's scale work.
 */
import type { Case } from '../lib/types.js';

export const SCALE_CASES: Case[] = [];
