/**
 * gRPC status errors for the streaming, stats and events handlers: the kubelet reads the status code
 * (NotFound, DeadlineExceeded, ...), so berth's coded errors are mapped to the code that says the same.
 */
import { status, type ServiceError } from '@grpc/grpc-js';
import { Metadata } from '@grpc/grpc-js';
import { BerthError } from '../../common/errors.js';

/** A gRPC error with a code and a message (grpc-js sends `details` as the status message). */
export function grpcError(code: status, message: string): ServiceError {
  const e = new Error(message) as ServiceError;
  e.code = code;
  e.details = message;
  e.metadata = new Metadata();
  return e;
}

/** berth's error -> the gRPC status that means the same (HTTP status of the error, as the Engine API uses it). */
export function toGrpcError(e: unknown): ServiceError {
  if (e && typeof e === 'object' && 'code' in e && typeof (e as ServiceError).code === 'number' && 'details' in e) return e as ServiceError;
  if (e instanceof BerthError) {
    const code = e.status === 404 ? status.NOT_FOUND
      : e.status === 400 ? status.INVALID_ARGUMENT
        : e.status === 409 ? status.FAILED_PRECONDITION
          : e.status === 501 ? status.UNIMPLEMENTED
            : e.status === 429 ? status.RESOURCE_EXHAUSTED
            : status.INTERNAL;
    return grpcError(code, e.message);
  }
  return grpcError(status.INTERNAL, e instanceof Error ? e.message : String(e));
}

/** A gRPC unary handler (grpc-js's call/callback shape) from an async function of the request. */
export function unary<Req, Res>(fn: (req: Req) => Promise<Res> | Res) {
  return (call: { request: Req }, callback: (err: ServiceError | null, res?: Res) => void): void => {
    Promise.resolve().then(() => fn(call.request)).then((res) => callback(null, res), (e) => callback(toGrpcError(e)));
  };
}

/** int64 fields arrive as number, string or Long depending on the loader's options. */
export function int64(v: unknown): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string' || typeof v === 'bigint') return Number(v);
  if (typeof v === 'object' && 'toString' in (v as object)) return Number(String(v));
  return 0;
}
