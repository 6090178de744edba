/** Every case and probe the benchmark runs, in order. New cases plug in here. */
import type { Case, Probe } from '../lib/types.js';
import { runTrueNoNetworkCase, runTrueBridgeCase, stopOnTermCase, stopIgnoringCase, execCase, ps100Case, ps1000Case, concurrentStartCase } from './containers.js';
import { dockerCliRunCase, dockerCliPsCase, dockerCliBuildCachedCase, dockerCliExecCase, dockerCliStopCase } from './docker-cli.js';
import { CLI_START_CASES } from './cli.js';
import {
  buildColdCase, buildCachedCase, buildLateChangeCase, buildMultiStageColdCase, buildMultiStageCachedCase, buildMultiStageLateCase,
  buildDebianColdCase, buildDebianCachedCase, buildDebianLateCase,
} from './build.js';
import { pushCase, pullCase, saveCase, loadCase, imageIoMemoryProbe } from './images.js';
import { portLoopbackCase, portGatewayCase } from './ports.js';
import { serverPushCase, serverPullCase } from './registry-server.js';
import { COMPOSE_CASES } from './compose.js';
import { SBOM_CASES } from './sbom.js';
import { SCAN_CASES, scanMemoryProbe } from './scan.js';
import { LINT_CASES } from './lint.js';
import { AUDIT_CASES } from './audit.js';
import { SIGN_CASES } from './sign.js';
import { SIGN_INTEROP_CASES } from './sign-interop.js';
import { POLICY_CASES } from './policy.js';
import { SECRETS_CASES } from './secrets.js';
import { METRICS_CASES } from './metrics.js';
import { LOGGING_CASES } from './logging.js';
import { LOGGING_FILES_CASES } from './logging-files.js';
import { EVENTS_CASES } from './events.js';
import { ROOTLESS_CASES } from './rootless.js';
import { ROOTLESS_NET_CASES } from './rootless-net.js';
import { CRI_CASES, criMemoryProbe } from './cri.js';
import { CRI_STREAMING_CASES } from './cri-streaming.js';
import { KUBE_CASES } from './kube.js';
import { UI_CASES, uiBundleProbe } from './ui.js';
import { UI_WEB_CASES } from './ui-web.js';
import { SCALE_CASES } from './scale.js';
import { memoryProbe } from '../probes/memory.js';
import { peerMemoryProbe } from '../probes/peer-memory.js';
import { healthStatsProbe } from '../probes/health-stats.js';
import { memoryPhasesProbe } from '../probes/memory-phases.js';
import { scaleDaemonCpuProbe, scaleResourcesProbe } from '../probes/scale-resources.js';

export const CASES: Case[] = [
  runTrueNoNetworkCase, runTrueBridgeCase, portLoopbackCase, portGatewayCase, stopOnTermCase, stopIgnoringCase, execCase,
  ps100Case, ps1000Case, concurrentStartCase, dockerCliRunCase, dockerCliPsCase, dockerCliBuildCachedCase, dockerCliExecCase, dockerCliStopCase, ...CLI_START_CASES,
  buildColdCase, buildCachedCase, buildLateChangeCase, buildMultiStageColdCase, buildMultiStageCachedCase, buildMultiStageLateCase,
  buildDebianColdCase, buildDebianCachedCase, buildDebianLateCase, pushCase, pullCase, serverPushCase, serverPullCase, saveCase, loadCase,
  ...COMPOSE_CASES,
  ...SBOM_CASES,
  ...SCAN_CASES,
  ...LINT_CASES,
  ...AUDIT_CASES,
  ...SIGN_CASES,
  ...SIGN_INTEROP_CASES,
  ...POLICY_CASES,
  ...SECRETS_CASES,
  ...METRICS_CASES,
  ...LOGGING_CASES,
  ...LOGGING_FILES_CASES,
  ...EVENTS_CASES,
  ...ROOTLESS_CASES,
  ...ROOTLESS_NET_CASES,
  ...CRI_CASES,
  ...CRI_STREAMING_CASES,
  ...KUBE_CASES,
  ...UI_CASES,
  ...UI_WEB_CASES,
  ...SCALE_CASES,
];
export const PROBES: Probe[] = [memoryProbe, peerMemoryProbe, healthStatsProbe, scanMemoryProbe, uiBundleProbe, criMemoryProbe, memoryPhasesProbe, imageIoMemoryProbe, scaleDaemonCpuProbe, scaleResourcesProbe];
