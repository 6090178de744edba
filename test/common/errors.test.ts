/** The ErrorCode list and the error classes: fixed codes, statuses, Docker's wording; every code in src/ is in the list. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BerthError, ConflictError, DISTRIBUTION_CODES, ERROR_CODES, InvalidArgumentError, NameInUseError, NoSuchContainerError,
  NoSuchExecError, NoSuchImageError, NoSuchNetworkError, NoSuchVolumeError, NotFoundError, NotRunningError, NotSupportedError,
  SystemError, UsageError, isErrorCode, toBerthError, type ErrorCode,
} from '../../src/common/errors.js';
import { RegistryError } from '../../src/registry/server/errors.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : /\.c?ts$/.test(e.name) ? [p] : [];
  });
}

test('every quoted ERR_ code in src/ is an ErrorCode (Node\'s own codes, which install-check reads, aside)', () => {
  const nodeCodes = new Set(['ERR_MODULE_NOT_FOUND', 'ERR_DLOPEN_FAILED']);
  const missing: string[] = [];
  for (const f of sourceFiles(SRC)) {
    for (const m of readFileSync(f, 'utf8').matchAll(/['"`](ERR_[A-Z0-9_]+)['"`]/g)) {
      if (!nodeCodes.has(m[1]) && !isErrorCode(m[1])) missing.push(`${f.slice(SRC.length)}: ${m[1]}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('isErrorCode: the list and the registry\'s distribution codes; nothing else', () => {
  assert.ok(isErrorCode('ERR_CONTAINER_NOT_FOUND'));
  assert.ok(isErrorCode('ERR_BERTH'));
  for (const c of DISTRIBUTION_CODES) assert.ok(isErrorCode(`ERR_REGISTRY_${c}`), c);
  assert.ok(!isErrorCode('ERR_NO_SUCH_THING'));
  assert.ok(!isErrorCode('err_not_found'));
  assert.ok(!isErrorCode(404));
  assert.ok(!isErrorCode(undefined));
  assert.ok(ERROR_CODES.size > 150);
});

test('classes with one meaning fix their code, status and Docker\'s wording', () => {
  const cases: Array<[BerthError, ErrorCode, number, string]> = [
    [new NoSuchContainerError('web'), 'ERR_CONTAINER_NOT_FOUND', 404, 'No such container: web'],
    [new NoSuchImageError('busybox:latest'), 'ERR_IMAGE_NOT_FOUND', 404, 'No such image: busybox:latest'],
    [new NoSuchNetworkError('n1'), 'ERR_NETWORK_NOT_FOUND', 404, 'network n1 not found'],
    [new NoSuchVolumeError('get v: no such volume'), 'ERR_VOLUME_NOT_FOUND', 404, 'get v: no such volume'],
    [new NoSuchExecError('abc'), 'ERR_EXEC_NOT_FOUND', 404, 'No such exec instance: abc'],
    [new NameInUseError('Conflict. The container name "/x" is already in use'), 'ERR_NAME_CONFLICT', 409, 'Conflict. The container name "/x" is already in use'],
    [new NotRunningError('abc'), 'ERR_NOT_RUNNING', 409, 'Container abc is not running'],
    [new RegistryError(404, 'BLOB_UNKNOWN', 'blob unknown to registry'), 'ERR_REGISTRY_BLOB_UNKNOWN', 404, 'blob unknown to registry'],
  ];
  for (const [e, code, status, message] of cases) {
    assert.equal(e.code, code);
    assert.equal(e.status, status);
    assert.equal(e.message, message);
    assert.equal(e.name, e.constructor.name);
    assert.ok(isErrorCode(e.code));
  }
  // the fixed-code classes are still their family's: callers that catch NotFoundError/ConflictError keep working
  assert.ok(new NoSuchContainerError('x') instanceof NotFoundError);
  assert.ok(new NameInUseError('x') instanceof ConflictError);
  assert.ok(new NotRunningError('x') instanceof ConflictError);
});

test('family classes: their default code and status, a given code kept', () => {
  assert.deepEqual([new NotFoundError('x').code, new NotFoundError('x').status], ['ERR_NOT_FOUND', 404]);
  assert.deepEqual([new ConflictError('x').code, new ConflictError('x').status], ['ERR_CONFLICT', 409]);
  assert.deepEqual([new InvalidArgumentError('x').code, new InvalidArgumentError('x').status], ['ERR_INVALID_ARGUMENT', 400]);
  assert.deepEqual([new NotSupportedError('x').code, new NotSupportedError('x').status], ['ERR_NOT_SUPPORTED', 501]);
  assert.deepEqual([new SystemError('x').code, new SystemError('x').status], ['ERR_SYSTEM', 500]);
  assert.equal(new InvalidArgumentError('x', 'ERR_BAD_FILTER').code, 'ERR_BAD_FILTER');
  assert.deepEqual([new UsageError('x').code, new UsageError('x').exitCode], ['ERR_USAGE', 125]);
  const plain = new BerthError('x');
  assert.deepEqual([plain.code, plain.status, plain.exitCode], ['ERR_BERTH', 500, 125]);
});

test('toBerthError: a BerthError as is; ENOSPC is ERR_NO_SPACE; anything else ERR_SYSTEM with the cause', () => {
  const e = new NoSuchContainerError('x');
  assert.equal(toBerthError(e), e);
  const nospc = Object.assign(new Error('write failed'), { code: 'ENOSPC' });
  assert.equal(toBerthError(nospc).code, 'ERR_NO_SPACE');
  const other = new Error('boom');
  const wrapped = toBerthError(other);
  assert.equal(wrapped.code, 'ERR_SYSTEM');
  assert.equal(wrapped.cause, other);
  assert.equal(toBerthError('text').message, 'text');
});
