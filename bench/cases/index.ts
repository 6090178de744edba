/** Every case and probe the benchmark runs, in order. New cases plug in here. */
import type { Case, Probe } from '../lib/types.js';
import { runTrueCase } from './run-true.js';
import { memoryProbe } from '../probes/memory.js';

export const CASES: Case[] = [runTrueCase];
export const PROBES: Probe[] = [memoryProbe];
