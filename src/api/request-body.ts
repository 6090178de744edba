/**
 * The one door every JSON request body of the Engine API comes through: parsed, refused with a 400
 * when it nests too deep or holds a value of the wrong type (dockerd's Go wording where dockerd has
 * one, else the field's path and the swagger's type), and handed to the route typed. The depth check
 * comes first: the other checks walk the body.
 */
import type { Ctx } from './router.js';
import type { RequestBodies } from '../common/engine-api/types.js';
import { assertBodyDepth, assertRequestBody } from '../common/engine-api/validate.js';
import { readJson } from './http.js';
import { checkBodyTypes, COMMIT_CONFIG, CONTAINER_CREATE, EXEC_CREATE, NETWORK_CREATE, VOLUME_CREATE, type Shape } from './body-types.js';

/** Bodies for which dockerd's exact decoder errors are reproduced before the schema check. */
const GO_SHAPES: Partial<Record<keyof RequestBodies, Shape>> = {
  ContainerCreate: CONTAINER_CREATE,
  ImageCommit: COMMIT_CONFIG,
  ContainerExec: EXEC_CREATE,
  VolumeCreate: VOLUME_CREATE,
  NetworkCreate: NETWORK_CREATE,
};

/** A checked body: its operation's type, plus whatever fields other API versions send (kept, as Go ignores them). */
export type Body<K extends keyof RequestBodies> = RequestBodies[K] & { [field: string]: unknown };

/**
 * Reads and checks the JSON body of the operation the route serves (its swagger operation ID).
 * An empty body or `null` is `{}`, as Go decodes them into a zero-valued struct.
 */
export async function readBody<K extends keyof RequestBodies>(ctx: Ctx, operationId: K): Promise<Body<K>> {
  const parsed: unknown = await readJson(ctx.req, ctx.upgrade?.body);
  const body = parsed === null ? {} : parsed;
  assertBodyDepth(body);
  const shape = GO_SHAPES[operationId];
  if (shape) checkBodyTypes(body, shape);
  assertRequestBody(operationId, body, { depthChecked: true });
  return body as Body<K>;
}
