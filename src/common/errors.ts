/**
 * One error base class for the whole engine. Every error carries a stable `code` (for programs: the
 * Engine API sends it next to the message, the CLI picks exit codes and wording by it), an HTTP status
 * (for the Engine API) and an exit code (for the CLI).
 *
 * The codes are one closed list: a constructor takes an `ErrorCode`, so a misspelt or new code is a
 * type error until it is added here (keep the list sorted).
 */
const ENGINE_CODES = [
  'ERR_ABORTED', 'ERR_ALREADY_CONNECTED', 'ERR_AMBIGUOUS', 'ERR_AMBIGUOUS_ID', 'ERR_API_VERSION', 'ERR_APPARMOR',
  'ERR_ARCHIVE', 'ERR_ARCHIVE_BAD_LINK', 'ERR_ARCHIVE_BAD_NAME', 'ERR_ARCHIVE_CORRUPT',
  'ERR_ARCHIVE_HEADER_TOO_LARGE', 'ERR_ARCHIVE_HOSTILE', 'ERR_ARCHIVE_INCOMPLETE', 'ERR_ARCHIVE_INVALID',
  'ERR_ARCHIVE_LIMIT', 'ERR_ARCHIVE_LINK_ESCAPE', 'ERR_ARCHIVE_MISSING_TARGET', 'ERR_ARCHIVE_NOT_DIR',
  'ERR_ARCHIVE_PATH_ESCAPE', 'ERR_ARCHIVE_SYMLINK_ESCAPE', 'ERR_ARCHIVE_SYMLINK_LOOP', 'ERR_ARCHIVE_TOO_LARGE',
  'ERR_ARCHIVE_TOO_MANY_ENTRIES', 'ERR_ATTACH', 'ERR_BAD_BODY', 'ERR_BAD_DURATION', 'ERR_BAD_FILTER', 'ERR_BAD_JSON', 'ERR_BAD_JSON_TYPE',
  'ERR_BAD_PARAM', 'ERR_BAD_PROGRESS', 'ERR_BAD_SIZE', 'ERR_BAD_TIME', 'ERR_BERTH', 'ERR_BLOB_DELETE', 'ERR_BLOB_NOT_FOUND',
  'ERR_BLOB_SIZE', 'ERR_BODY_TOO_LARGE', 'ERR_BOOTSTRAP_BUSYBOX', 'ERR_BOOTSTRAP_DEBIAN',
  'ERR_BOOTSTRAP_UNSUPPORTED', 'ERR_BRIDGE_EXISTS', 'ERR_BUILD_CHECKSUM', 'ERR_BUILD_CONTEXT', 'ERR_BUILD_FETCH',
  'ERR_BUILD_NO_DOCKERFILE', 'ERR_BUILD_OUTSIDE_CONTEXT', 'ERR_BUILD_SECRET', 'ERR_BUILD_SOURCE_NOT_FOUND',
  'ERR_BUILD_STEP', 'ERR_BUILD_TARGET', 'ERR_BUILD_TIMEOUT', 'ERR_CGROUPS', 'ERR_CGROUP_HYBRID',
  'ERR_COMMAND_NOT_EXECUTABLE', 'ERR_COMMAND_NOT_FOUND', 'ERR_COMMAND_NOT_INVOKABLE',
  'ERR_COMPOSE_CYCLE', 'ERR_COMPOSE_ENV_FILE', 'ERR_COMPOSE_FILE', 'ERR_COMPOSE_INTERPOLATION', 'ERR_COMPOSE_INVALID',
  'ERR_COMPOSE_NO_FILE', 'ERR_COMPOSE_NO_SERVICE', 'ERR_COMPOSE_SERVICE_FAILED', 'ERR_COMPOSE_UNDEFINED', 'ERR_COMPOSE_WATCH',
  'ERR_COMPRESSION_UNSUPPORTED', 'ERR_CONFIG', 'ERR_CONFLICT', 'ERR_CONMON', 'ERR_CONMON_TIMEOUT', 'ERR_CONNECT',
  'ERR_CONTAINER_NOT_FOUND', 'ERR_CONTAINER_RUNNING', 'ERR_COPY', 'ERR_CP_TMPFS', 'ERR_CRED_HELPER',
  'ERR_DAEMON', 'ERR_DAEMON_RUNNING', 'ERR_DECOMPRESS', 'ERR_DETACH_KEYS', 'ERR_DIGEST_MISMATCH',
  'ERR_DISK_FULL', 'ERR_DOCKERFILE_ARGS', 'ERR_DOCKERFILE_CYCLE', 'ERR_DOCKERFILE_FLAG', 'ERR_DOCKERFILE_MOUNT',
  'ERR_DOCKERFILE_NO_STAGE', 'ERR_DOCKERFILE_PARSE', 'ERR_DOCKERFILE_STAGE', 'ERR_DOCKERFILE_SUBSTITUTION',
  'ERR_DOCKERFILE_UNKNOWN_INSTRUCTION', 'ERR_DOCKERIGNORE_PATTERN', 'ERR_EXEC', 'ERR_EXEC_NOT_FOUND',
  'ERR_EXEC_STARTED', 'ERR_EXIT', 'ERR_FIREWALL', 'ERR_FORBIDDEN', 'ERR_GROUP', 'ERR_IDMAP_MOUNT',
  'ERR_IMAGE_IN_USE', 'ERR_IMAGE_NOT_FOUND', 'ERR_INSTALL', 'ERR_INVALID_ARGUMENT', 'ERR_INVALID_CHANGE',
  'ERR_INVALID_DIGEST', 'ERR_INVALID_FILTER', 'ERR_INVALID_NAME', 'ERR_INVALID_REFERENCE', 'ERR_INVALID_SIGNAL',
  'ERR_INVALID_SNAPSHOT_KEY', 'ERR_IP_IN_USE', 'ERR_KILL_FAILED', 'ERR_LAYER_IN_USE', 'ERR_LAYER_NOT_FOUND',
  'ERR_LAYER_UNSUPPORTED', 'ERR_LINK', 'ERR_LINK_NETWORK', 'ERR_LINK_NOT_RUNNING', 'ERR_LINK_TARGET',
  'ERR_LISTEN', 'ERR_LOGS_NOT_SUPPORTED', 'ERR_LOG_DRIVER', 'ERR_LOG_OPT', 'ERR_MANIFEST_INVALID',
  'ERR_MANIFEST_IS_INDEX', 'ERR_MANIFEST_NOT_FOUND', 'ERR_MANIFEST_TOO_LARGE', 'ERR_MANIFEST_UNSUPPORTED',
  'ERR_METHOD', 'ERR_MKNOD', 'ERR_MKNOD_MISSING', 'ERR_MOUNT', 'ERR_MOUNT_DATA_TOO_LONG', 'ERR_MOUNT_SOURCE',
  'ERR_MOUNT_SPEC', 'ERR_NAME_CONFLICT', 'ERR_NETNS', 'ERR_NETWORK_DRIVER', 'ERR_NETWORK_EXISTS',
  'ERR_NETWORK_IN_USE', 'ERR_NETWORK_NOT_FOUND', 'ERR_NETWORK_NOT_SUPPORTED', 'ERR_NETWORK_SETUP',
  'ERR_NOT_A_DIRECTORY', 'ERR_NOT_CONNECTED', 'ERR_NOT_FOUND', 'ERR_NOT_PAUSED', 'ERR_NOT_RUNNING',
  'ERR_NOT_STARTED', 'ERR_NOT_SUPPORTED', 'ERR_NO_ADDRESS', 'ERR_NO_COMMAND', 'ERR_NO_CONSOLE', 'ERR_NO_IMAGE',
  'ERR_NO_POOL', 'ERR_NO_ROUTE', 'ERR_NO_RUNTIME', 'ERR_NO_SPACE', 'ERR_OVERWRITE_DIR', 'ERR_OVERWRITE_NONDIR',
  'ERR_PARTIAL', 'ERR_PATH_NOT_FOUND', 'ERR_PAUSED', 'ERR_PLATFORM_NOT_FOUND', 'ERR_POOL_OVERLAP',
  'ERR_PORT_IN_USE', 'ERR_PS', 'ERR_PS_NO_PID', 'ERR_READONLY_ROOTFS', 'ERR_READONLY_VOLUME', 'ERR_REGISTRY',
  'ERR_REGISTRY_PROTOCOL', 'ERR_REMOVAL_IN_PROGRESS', 'ERR_RESTART_CANCELLED', 'ERR_RUN', 'ERR_RUNTIME',
  'ERR_RUNTIME_MISSING', 'ERR_RUNTIME_NOT_FOUND', 'ERR_SECCOMP_PROFILE', 'ERR_SELINUX', 'ERR_SNAPSHOT_EXISTS',
  'ERR_SNAPSHOT_NOT_FOUND', 'ERR_START', 'ERR_STOP_TIMEOUT', 'ERR_SUBID', 'ERR_SYMLINK_LOOP', 'ERR_SYSCTL', 'ERR_SYSTEM',
  'ERR_TIMEOUT', 'ERR_TLS_CONFIG', 'ERR_UNMOUNT', 'ERR_UPDATE', 'ERR_USAGE', 'ERR_USERNS',
  'ERR_USERNS_EXHAUSTED', 'ERR_USERNS_OVERLAP', 'ERR_USERNS_PATH', 'ERR_USERNS_UNMAPPED', 'ERR_VOLUME_DRIVER',
  'ERR_VOLUME_IN_USE', 'ERR_VOLUME_NAME', 'ERR_VOLUME_NOT_FOUND', 'ERR_VOLUME_OPTS', 'ERR_XATTR',
  'ERR_XATTR_TOOL_MISSING',
] as const;

/*
 * The supply-chain and check areas keep their codes in lists of their own, so that work on one area
 * does not touch another's lines (keep each list sorted).
 */
const SBOM_CODES = [
  'ERR_SBOM', 'ERR_SBOM_CATALOGER', 'ERR_SBOM_FORMAT', 'ERR_SBOM_SOURCE',
] as const;

const SBOM_OUTPUT_CODES = [
  'ERR_SBOM_NOT_ATTACHED', 'ERR_SBOM_OUTPUT', 'ERR_SBOM_OUTPUT_FORMAT',
] as const;

const SCAN_VERSION_CODES = [
  'ERR_VERSION_INVALID',
] as const;

const SCAN_CODES = [
  'ERR_SCAN', 'ERR_SCAN_DB', 'ERR_SCAN_DB_EMPTY', 'ERR_SCAN_IGNORE_FILE', 'ERR_SCAN_INCOMPLETE', 'ERR_SCAN_OSV',
] as const;

const LINT_CODES = [
  'ERR_LINT', 'ERR_LINT_CONFIG', 'ERR_LINT_FAILED',
] as const;

const LINT_RULE_CODES = [
  'ERR_LINT_RULE',
] as const;

const AUDIT_CODES = [
  'ERR_AUDIT', 'ERR_AUDIT_FAILED',
] as const;

/**
 * The distribution spec's error codes, which the built-in registry answers with; as engine errors they
 * are `ERR_REGISTRY_<code>`.
 */
/** signing and verification (src/sign) */
const SIGN_CODES = [
  'ERR_SIGN_PAYLOAD_INVALID',
  'ERR_SIGN_KEY_INVALID',
  'ERR_SIGN_KEY_DECRYPT',
  'ERR_SIGN_KEY_EXISTS',
  'ERR_SIGN_PASSWORD',
  'ERR_SIGN_SIGNATURE_INVALID',
  'ERR_SIGN_DIGEST_MISMATCH',
  'ERR_SIGN_ANNOTATION_MISMATCH',
  'ERR_SIGN_NO_SIGNATURES',
  'ERR_SIGN_NO_MATCH',
  'ERR_SIGN_KEYLESS_UNSUPPORTED',
  'ERR_SIGN_NO_DIGEST',
  'ERR_SIGN_UPLOAD',
] as const;
/** the admission policy (src/policy) */
const POLICY_CODES = [
  'ERR_POLICY_DENIED', 'ERR_POLICY_INVALID', 'ERR_POLICY_SCOPE',
] as const;
/** secrets (src/secret) */
const SECRET_CODES = [
  'ERR_SECRET_DATA', 'ERR_SECRET_EXISTS', 'ERR_SECRET_IN_USE', 'ERR_SECRET_KEY', 'ERR_SECRET_MOUNT', 'ERR_SECRET_NAME',
  'ERR_SECRET_NOT_FOUND', 'ERR_SECRET_REFERENCE', 'ERR_SECRET_SEALED',
] as const;
/** metrics (src/metrics) */
const METRICS_CODES = [
  'ERR_METRICS_ADDR', 'ERR_METRICS_ADDR_IN_USE',
] as const;
/** logging drivers: network drivers (syslog, gelf, fluentd) */
const LOGGING_NET_CODES = [
  'ERR_LOG_CONNECT',
] as const;
/** logging drivers: local, journald, compression */
const LOGGING_FILE_CODES = [
  'ERR_JOURNALD_UNAVAILABLE', 'ERR_LOG_FILE_CORRUPT',
] as const;
/** events */
const EVENTS_CODES = [
  'ERR_EVENTS_SINCE_AFTER_UNTIL',
] as const;

/** rootless mode: user namespace entry, storage, runtime (src/rootless, daemon) */
const ROOTLESS_CODES = [
  'ERR_ROOTLESS_CGROUP', 'ERR_ROOTLESS_RUNTIME_DIR', 'ERR_ROOTLESS_STORAGE', 'ERR_ROOTLESS_SUBID',
  'ERR_ROOTLESS_TOOL_MISSING',
] as const;
/** rootless networking: pasta, slirp4netns, host ports */
const ROOTLESS_NET_CODES = [
  'ERR_ROOTLESS_NET_DRIVER', 'ERR_ROOTLESS_NET_DRIVER_FAILED', 'ERR_ROOTLESS_NET_PORT', 'ERR_ROOTLESS_NET_TUN',
] as const;
/** docker contexts (~/.docker/contexts) */
const CONTEXT_CODES = [
  'ERR_CONTEXT_NOT_FOUND', 'ERR_CONTEXT_EXISTS', 'ERR_CONTEXT_INVALID', 'ERR_CONTEXT_CONFLICT',
  'ERR_CONTEXT_ENDPOINT', 'ERR_CONTEXT_STORE',
] as const;
/** the CRI runtime and image services (src/cri) */
const CRI_CODES = [
  'ERR_CRI_INVALID', 'ERR_CRI_NOT_FOUND', 'ERR_CRI_CONFLICT', 'ERR_CRI_NETWORK', 'ERR_CNI',
] as const;
/** the CRI streaming server (exec, attach, port-forward) and stats */
const CRI_STREAM_CODES = [
  'ERR_CRI_PORT_FORWARD', 'ERR_CRI_STREAM', 'ERR_CRI_STREAM_BUSY',
] as const;
/** kube generate / play (src/kube) */
const KUBE_CODES = [
  'ERR_KUBE_FIELD', 'ERR_KUBE_INFRA', 'ERR_KUBE_KIND', 'ERR_KUBE_NOT_FOUND', 'ERR_KUBE_UNSUPPORTED', 'ERR_KUBE_YAML',
] as const;
/** the dashboard's server: sessions, CSRF, the UI listener (src/ui) */
const UI_CODES = [
  'ERR_UI_AUTH', 'ERR_UI_CSRF', 'ERR_UI_HOST', 'ERR_UI_INSECURE', 'ERR_UI_ADDRESS', 'ERR_UI_CONFIG', 'ERR_UI_LISTEN', 'ERR_UI_WEBSOCKET',
] as const;

export const DISTRIBUTION_CODES = [
  'BLOB_UNKNOWN', 'BLOB_UPLOAD_INVALID', 'BLOB_UPLOAD_UNKNOWN', 'DENIED', 'DIGEST_INVALID', 'MANIFEST_BLOB_UNKNOWN',
  'MANIFEST_INVALID', 'MANIFEST_UNKNOWN', 'NAME_INVALID', 'NAME_UNKNOWN', 'PAGINATION_NUMBER_INVALID', 'SIZE_INVALID', 'TOOMANYREQUESTS',
  'UNAUTHORIZED', 'UNKNOWN', 'UNSUPPORTED',
] as const;
export type DistributionCode = typeof DISTRIBUTION_CODES[number];

const AREA_CODES = [...SBOM_CODES, ...SBOM_OUTPUT_CODES, ...SCAN_VERSION_CODES, ...SCAN_CODES, ...LINT_CODES, ...LINT_RULE_CODES, ...AUDIT_CODES,
  ...SIGN_CODES, ...POLICY_CODES, ...SECRET_CODES, ...METRICS_CODES, ...LOGGING_NET_CODES, ...LOGGING_FILE_CODES, ...EVENTS_CODES,
  ...ROOTLESS_CODES, ...ROOTLESS_NET_CODES, ...CONTEXT_CODES, ...CRI_CODES, ...CRI_STREAM_CODES, ...KUBE_CODES, ...UI_CODES] as const;

export type ErrorCode = typeof ENGINE_CODES[number] | typeof AREA_CODES[number] | `ERR_REGISTRY_${DistributionCode}`;

/** Every code, for checking a code that arrives as text (an API response, a JSON stream). */
export const ERROR_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ...ENGINE_CODES,
  ...AREA_CODES,
  ...DISTRIBUTION_CODES.map((c) => `ERR_REGISTRY_${c}` as const),
]);

export function isErrorCode(v: unknown): v is ErrorCode {
  return typeof v === 'string' && ERROR_CODES.has(v as ErrorCode);
}

export interface BerthErrorOptions { code?: ErrorCode; status?: number; exitCode?: number; cause?: unknown }

export class BerthError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly exitCode: number;
  constructor(message: string, opts: BerthErrorOptions = {}) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.name = new.target.name;
    this.code = opts.code ?? 'ERR_BERTH';
    this.status = opts.status ?? 500;
    this.exitCode = opts.exitCode ?? 125;
  }
}

/** 404: no such container, image, exec, ... */
export class NotFoundError extends BerthError {
  constructor(message: string, code: ErrorCode = 'ERR_NOT_FOUND') { super(message, { code, status: 404 }); }
}

/** 409: name in use, container running, image in use, ... */
export class ConflictError extends BerthError {
  constructor(message: string, code: ErrorCode = 'ERR_CONFLICT') { super(message, { code, status: 409 }); }
}

/** 400: the caller sent something malformed. */
export class InvalidArgumentError extends BerthError {
  constructor(message: string, code: ErrorCode = 'ERR_INVALID_ARGUMENT') { super(message, { code, status: 400 }); }
}

/** 501: a real "we do not do this (yet)", never a fake success. */
export class NotSupportedError extends BerthError {
  constructor(message: string, code: ErrorCode = 'ERR_NOT_SUPPORTED') { super(message, { code, status: 501 }); }
}

/** 500: the host or a helper program failed. */
export class SystemError extends BerthError {
  constructor(message: string, code: ErrorCode = 'ERR_SYSTEM', cause?: unknown) { super(message, { code, status: 500, cause }); }
}

/** A hostile or broken archive (tar layer, import). */
export class ArchiveError extends BerthError {
  constructor(message: string, code: ErrorCode = 'ERR_ARCHIVE') { super(message, { code, status: 400 }); }
}

/*
 * The errors with one meaning each fix their code (and Docker's wording where clients match on it),
 * so a throw site cannot give the same failure two codes.
 */

/** Docker's "No such container: <ref>". */
export class NoSuchContainerError extends NotFoundError {
  constructor(readonly ref: string) { super(`No such container: ${ref}`, 'ERR_CONTAINER_NOT_FOUND'); }
}

/** Docker's "No such image: <ref>" (the reference as the caller should see it, tag defaulted). */
export class NoSuchImageError extends NotFoundError {
  constructor(readonly ref: string) { super(`No such image: ${ref}`, 'ERR_IMAGE_NOT_FOUND'); }
}

export class NoSuchNetworkError extends NotFoundError {
  constructor(readonly ref: string) { super(`network ${ref} not found`, 'ERR_NETWORK_NOT_FOUND'); }
}

/** The wording differs by operation (Docker's "get <name>: no such volume" on inspect and remove). */
export class NoSuchVolumeError extends NotFoundError {
  constructor(message: string) { super(message, 'ERR_VOLUME_NOT_FOUND'); }
}

export class NoSuchExecError extends NotFoundError {
  constructor(readonly ref: string) { super(`No such exec instance: ${ref}`, 'ERR_EXEC_NOT_FOUND'); }
}

/** A container name that another container holds (or is being created with). */
export class NameInUseError extends ConflictError {
  constructor(message: string) { super(message, 'ERR_NAME_CONFLICT'); }
}

/** An operation that needs a running container met a stopped one: Docker's "Container <id> is not running". */
export class NotRunningError extends ConflictError {
  constructor(readonly containerId: string) { super(`Container ${containerId} is not running`, 'ERR_NOT_RUNNING'); }
}

/** CLI usage error: exit 125 as Docker. */
export class UsageError extends BerthError {
  constructor(message: string) { super(message, { code: 'ERR_USAGE', status: 400, exitCode: 125 }); }
}

/** A digest did not match the content it names. */
export class DigestMismatchError extends BerthError {
  constructor(expected: string, actual: string) {
    super(`digest mismatch: expected ${expected}, got ${actual}`, { code: 'ERR_DIGEST_MISMATCH', status: 400 });
  }
}

/** The install is missing or broken (node_modules, a native module, dist/): exit 1, the fix in the message. */
export class InstallError extends BerthError {
  constructor(what: string, repo: string) {
    super(`${what}; run \`bash scripts/setup.sh\` (or \`npm ci && npm run build\`) in ${repo}`, { code: 'ERR_INSTALL', status: 500, exitCode: 1 });
  }
}

export function isBerthError(e: unknown): e is BerthError {
  return e instanceof BerthError;
}

/** Turn anything thrown into a BerthError (keeps the original as cause). */
export function toBerthError(e: unknown): BerthError {
  if (e instanceof BerthError) return e;
  const err = e as NodeJS.ErrnoException;
  if (err && err.code === 'ENOSPC') return new SystemError(`no space left on device: ${err.message}`, 'ERR_NO_SPACE', e);
  return new SystemError(err?.message ?? String(e), 'ERR_SYSTEM', e);
}
