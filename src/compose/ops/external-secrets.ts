/**
 * External secrets are berth secrets (HostConfig.BerthSecrets). Before containers are created the
 * engine is asked for each one: berth answers for itself, and dockerd outside Swarm answers with
 * its own error ("This node is not a swarm manager"), so a project never starts against an engine
 * that would silently leave the secret out.
 */
import type { EngineClient } from '../../client/engine-client.js';
import { BerthError } from '../../common/errors.js';
import { externalSecretNames } from '../convert/mounts.js';
import type { Project, ServiceConfig } from '../model.js';
import { isNotFound } from './errors.js';

export async function checkExternalSecrets(client: EngineClient, project: Project, services: ServiceConfig[]): Promise<void> {
  for (const name of externalSecretNames(project, services)) {
    try {
      await client.json('GET', `/secrets/${encodeURIComponent(name)}`);
    } catch (e) {
      if (isNotFound(e)) throw new BerthError(`external secret "${name}" not found`, { code: 'ERR_COMPOSE_UNDEFINED', status: 404, exitCode: 1 });
      throw e;
    }
  }
}
