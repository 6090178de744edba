/**
 * One error base class for the whole engine. Every error carries a stable `code`
 * (for programs), an HTTP status (for the Engine API) and an exit code (for the CLI).
 */
export class BerthError extends Error {
  readonly code: string;
  readonly status: number;
  readonly exitCode: number;
  constructor(message: string, opts: { code?: string; status?: number; exitCode?: number; cause?: unknown } = {}) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.name = new.target.name;
    this.code = opts.code ?? 'ERR_BERTH';
    this.status = opts.status ?? 500;
    this.exitCode = opts.exitCode ?? 125;
  }
}

/** 404: no such container, image, exec, ... */
export class NotFoundError extends BerthError {
  constructor(message: string, code = 'ERR_NOT_FOUND') { super(message, { code, status: 404 }); }
}

/** 409: name in use, container running, image in use, ... */
export class ConflictError extends BerthError {
  constructor(message: string, code = 'ERR_CONFLICT') { super(message, { code, status: 409 }); }
}

/** 400: the caller sent something malformed. */
export class InvalidArgumentError extends BerthError {
  constructor(message: string, code = 'ERR_INVALID_ARGUMENT') { super(message, { code, status: 400 }); }
}

/** 501: a real "we do not do this (yet)", never a fake success. */
export class NotSupportedError extends BerthError {
  constructor(message: string, code = 'ERR_NOT_SUPPORTED') { super(message, { code, status: 501 }); }
}

/** 500: the host or a helper program failed. */
export class SystemError extends BerthError {
  constructor(message: string, code = 'ERR_SYSTEM', cause?: unknown) { super(message, { code, status: 500, cause }); }
}

/** A hostile or broken archive (tar layer, import). */
export class ArchiveError extends BerthError {
  constructor(message: string, code = 'ERR_ARCHIVE') { super(message, { code, status: 400 }); }
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
