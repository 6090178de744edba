/** kube generate / play at three sizes (kube helper) */
import type { Case } from '../lib/types.js';

export const KUBE_CASES: Case[] = [];
