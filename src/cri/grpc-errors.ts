/** Engine errors as gRPC statuses: the kubelet and crictl branch on the status code, people read the message. */
import { status, type ServiceError, Metadata } from '@grpc/grpc-js';
import { BerthError } from '../common/errors.js';
import { log } from '../common/log.js';

export function grpcStatusOf(e: unknown): status {
  if (!(e instanceof BerthError)) return status.UNKNOWN;
  switch (e.status) {
    case 400: return status.INVALID_ARGUMENT;
    case 401: return status.UNAUTHENTICATED;
    case 403: return status.PERMISSION_DENIED;
    case 404: return status.NOT_FOUND;
    case 409: return e.code === 'ERR_CRI_CONFLICT' || e.code === 'ERR_NAME_CONFLICT' ? status.ALREADY_EXISTS : status.FAILED_PRECONDITION;
    case 501: return status.UNIMPLEMENTED;
    default: return e.status >= 500 ? status.INTERNAL : status.UNKNOWN;
  }
}

export function toServiceError(e: unknown, method: string): ServiceError {
  const code = grpcStatusOf(e);
  const message = e instanceof Error ? e.message : String(e);
  if (code === status.UNKNOWN || code === status.INTERNAL) log.warn('CRI call failed', { method, error: message });
  const md = new Metadata();
  if (e instanceof BerthError) md.set('berth-code', e.code);
  return Object.assign(new Error(message), { code, details: message, metadata: md }) as ServiceError;
}

/** A unary handler from an async function of the request. */
export function unary<Req, Res>(method: string, fn: (req: Req) => Promise<Res> | Res) {
  return (call: { request: Req }, callback: (err: ServiceError | null, res?: Res) => void): void => {
    Promise.resolve().then(() => fn(call.request)).then((res) => callback(null, res), (e) => callback(toServiceError(e, method)));
  };
}
