/**
 * What a client sends with a pull or push: X-Registry-Auth with the docker config's credentials for
 * the image's registry (the berth CLI and berth compose both pull and push with it).
 */
import { parseNormalizedNamed, type ParsedReference } from '../image/reference.js';
import { getCredentials, registryAuthHeader } from '../registry/client/credentials.js';

export { parseNormalizedNamed, type ParsedReference };

export function authFor(name: string): Record<string, string> {
  const domain = parseNormalizedNamed(name).domain;
  const h = registryAuthHeader(getCredentials(domain), domain);
  return h ? { 'X-Registry-Auth': h } : {};
}
