/** rootless mode: run --rm true rootless against rootful berth and rootless Podman (rootless-core helper) */
import type { Case } from '../lib/types.js';

export const ROOTLESS_CASES: Case[] = [];
