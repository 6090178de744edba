/**
 * A service (model.ts) as the Engine API's container create request, the way compose v2 makes it:
 * names, compose labels, config hash, ports, mounts, resources, healthcheck, networks.
 */
import { NotSupportedError } from '../../common/errors.js';
import type { ContainerCreateRequest, EndpointSettings } from '../../common/engine-api/types.js';
import type { Project, ServiceConfig } from '../model.js';

export interface ContainerPlanOptions {
  /** the replica's number (com.docker.compose.container-number), from 1 */
  number: number;
  /** a `compose run` container: oneoff label True, name <project>-<service>-run-<12 hex> */
  oneoff?: boolean;
  /** an explicit name (compose run --name) */
  name?: string;
  /** the negotiated API version: before 1.44 a create takes one network, the others are connected after */
  apiVersion: string;
}

export interface ContainerPlan {
  /** the container's name (without the leading slash) */
  name: string;
  /** the POST /containers/create body */
  body: ContainerCreateRequest;
  /** networks to connect after create (older APIs take only one network at create), in priority order */
  connectAfter: Array<{ network: string; endpoint: EndpointSettings }>;
}

export function containerPlan(_project: Project, _service: ServiceConfig, _opts: ContainerPlanOptions): ContainerPlan {
  throw new NotSupportedError('compose: converting a service to a container is not implemented yet');
}
