/** Every case and probe the benchmark runs, in order. New cases plug in here. */
import type { Case, Probe } from '../lib/types.js';
import { runTrueNoNetworkCase, runTrueBridgeCase, stopOnTermCase, stopIgnoringCase, execCase, ps100Case, ps1000Case, concurrentStartCase } from './containers.js';
import { dockerCliRunCase, dockerCliPsCase } from './docker-cli.js';
import { buildColdCase, buildCachedCase, buildLateChangeCase } from './build.js';
import { pushCase, pullCase, saveCase, loadCase } from './images.js';
import { serverPushCase, serverPullCase } from './registry-server.js';
import { memoryProbe } from '../probes/memory.js';
import { peerMemoryProbe } from '../probes/peer-memory.js';

export const CASES: Case[] = [
  runTrueNoNetworkCase, runTrueBridgeCase, stopOnTermCase, stopIgnoringCase, execCase,
  ps100Case, ps1000Case, concurrentStartCase, dockerCliRunCase, dockerCliPsCase,
  buildColdCase, buildCachedCase, buildLateChangeCase, pushCase, pullCase, serverPushCase, serverPullCase, saveCase, loadCase,
];
export const PROBES: Probe[] = [memoryProbe, peerMemoryProbe];
