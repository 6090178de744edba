/** the CRI streaming server: ExecSync and streaming exec, stats (cri-streaming helper) */
import type { Case } from '../lib/types.js';

export const CRI_STREAMING_CASES: Case[] = [];
