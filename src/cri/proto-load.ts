/**
 * The pinned CRI proto (proto/api.proto, see proto/PROVENANCE.md) loaded with @grpc/proto-loader. The
 * build copies src/cri/proto to dist/cri/proto, so the same relative path works from src (tsx) and dist.
 * int64 fields travel as decimal strings: nanosecond timestamps do not fit a JS number.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadSync, type Options } from '@grpc/proto-loader';
import { loadPackageDefinition, type GrpcObject, type ServiceClientConstructor } from '@grpc/grpc-js';
import { SystemError } from '../common/errors.js';

export const PROTO_LOADER_OPTIONS: Options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

export function criProtoPath(): string {
  const p = fileURLToPath(new URL('./proto/api.proto', import.meta.url));
  if (!existsSync(p)) throw new SystemError(`the CRI proto is missing at ${p} (the build copies src/cri/proto to dist/cri/proto)`, 'ERR_CRI_INVALID');
  return p;
}

export interface CriServices {
  RuntimeService: ServiceClientConstructor;
  ImageService: ServiceClientConstructor;
}

let cached: CriServices | undefined;

/** runtime.v1's two services (constructors carry `.service`, the server's method definitions). */
export function loadCriServices(): CriServices {
  if (cached) return cached;
  const def = loadSync(criProtoPath(), PROTO_LOADER_OPTIONS);
  const pkg = loadPackageDefinition(def) as GrpcObject;
  const v1 = (pkg.runtime as GrpcObject).v1 as GrpcObject;
  cached = { RuntimeService: v1.RuntimeService as ServiceClientConstructor, ImageService: v1.ImageService as ServiceClientConstructor };
  return cached;
}
