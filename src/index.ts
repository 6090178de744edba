/**
 * berth as a library: `import { Engine } from 'berth'`. An Engine owns the stores, the
 * containers, networks and volumes under one root; everything the API server does goes
 * through it, so a program can do the same without a daemon (and must not share a root
 * with a running one).
 */
export { Engine, type EngineOptions } from './engine/engine.js';
export type {
  ContainerSpec, HostConfigSpec, CreatedContainer, StopOptions, RemoveOptions, WaitOptions, WaitResult, WaitCondition,
  LogsOptions, LogEntry, ExecOptions, ExecResult, NetworkSpec, NetworkInfo, VolumeSpec, VolumeInfo,
} from './engine/public-types.js';
export type {
  PullOptions, PulledImage, PushOptions, PushedTag, ImportOptions, LoginOptions, DistributionInfo, Platform,
  ProgressMessage, RegistryCredentials,
} from './engine/image-transfer.js';
export { BuildStepError, type EngineBuildOptions, type BuildCachePruneOptions, type BuildResult } from './engine/build.js';
export type { EventStreamOptions } from './engine/event-stream.js';
export type { EngineInstruments, EngineAction } from './engine/instruments.js';
export type { DiskUsage, DiskUsageType, TypeUsage } from './engine/disk-usage.js';
export type { EngineEvent, EventType } from './events/events.js';
export type { ImageRecord, ImageLayer } from './image/image-store.js';
export type { ContainerRecord, ContainerState, ContainerStatus } from './record/container-store.js';
export type { EnginePaths } from './common/paths.js';
export * from './common/errors.js';
export { RegistryRequestError } from './registry/client/http.js';
export { DiskFullError } from './registry/client/disk-full.js';
export { runAudit, type AuditOptions } from './audit/run.js';
export type { AuditReport, AuditFinding, AuditStatus } from './audit/types.js';
export type { DaemonFacts, DaemonListener } from './audit/facts.js';
export { PolicyAdmission } from './policy/policy-admission.js';
export { PolicyDeniedError, type ImageAdmission, type AdmissionRequest } from './sign/admission.js';
export type { SigningTarget, AddSignatureOptions, AddedSignature, ListedSignatures } from './engine/sign-ops.js';
export type { SecretInfo, SecretSpecInput } from './secret/secret-store.js';
