/** rootless networking: throughput through a published port, pasta against rootless Podman (rootless-net helper) */
import type { Case } from '../lib/types.js';

export const ROOTLESS_NET_CASES: Case[] = [];
