/** the CRI: RunPodSandbox + CreateContainer + StartContainer for one pod, and memory per pod (cri helper) */
import type { Case } from '../lib/types.js';

export const CRI_CASES: Case[] = [];
