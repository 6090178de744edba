/**
 * Credentials in a Docker-compatible config.json ($DOCKER_CONFIG/config.json, else
 * ~/.docker/config.json): `auths` entries with base64 "user:password", or a
 * credential helper (`credHelpers` per registry, `credsStore` for all) spoken to with
 * the docker-credential-* protocol (get / store / erase on stdin, JSON on stdout).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SystemError } from '../../common/errors.js';
import { dockerConfigPath, readDockerConfig } from '../../common/docker-config.js';
import type { Credentials } from './http.js';

const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';

export const configPath = dockerConfigPath;
const readConfig = readDockerConfig;

function writeConfig(cfg: any): void {
  const p = configPath();
  mkdirSync(dirname(p), { recursive: true, mode: 0o700 });
  writeFileSync(`${p}.tmp`, JSON.stringify(cfg, null, '\t') + '\n', { mode: 0o600 });
  renameSync(`${p}.tmp`, p);
}

/** The config key of a registry: Docker Hub's legacy URL, else the host. */
export function serverKey(domain: string): string {
  return domain === 'docker.io' || domain === 'index.docker.io' || domain === 'registry-1.docker.io' ? DOCKER_HUB_KEY : domain;
}

function helperOf(cfg: any, key: string): string | undefined {
  return cfg.credHelpers?.[key] ?? cfg.credsStore ?? undefined;
}

function helper(name: string, action: 'get' | 'store' | 'erase' | 'list', input: string): string {
  const r = spawnSync(`docker-credential-${name}`, [action], { input, encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw new SystemError(`credential helper docker-credential-${name}: ${r.error.message}`, 'ERR_CRED_HELPER');
  if (r.status !== 0) {
    const msg = (r.stdout || r.stderr || '').trim();
    if (action === 'get' && /credentials not found/i.test(msg)) return '';
    throw new SystemError(`credential helper docker-credential-${name} ${action}: ${msg}`, 'ERR_CRED_HELPER');
  }
  return r.stdout;
}

export function getCredentials(domain: string): Credentials | undefined {
  const cfg = readConfig();
  const key = serverKey(domain);
  const h = helperOf(cfg, key);
  if (h) {
    const out = helper(h, 'get', key);
    if (!out.trim()) return undefined;
    let j: any;
    try { j = JSON.parse(out); } catch { throw new SystemError(`credential helper docker-credential-${h} get: not JSON: ${out.slice(0, 200)}`, 'ERR_CRED_HELPER'); }
    if (!j?.Secret) return undefined; // some helpers answer "not found" with empty fields
    return j.Username === '<token>' ? { identitytoken: j.Secret } : { username: j.Username, password: j.Secret };
  }
  const entry = cfg.auths?.[key] ?? (key === DOCKER_HUB_KEY ? undefined : cfg.auths?.[`https://${key}`] ?? cfg.auths?.[`http://${key}`]);
  if (!entry) return undefined;
  if (entry.identitytoken) return { identitytoken: entry.identitytoken };
  if (entry.auth) {
    const dec = Buffer.from(entry.auth, 'base64').toString('utf8');
    const i = dec.indexOf(':');
    return { username: dec.slice(0, i), password: dec.slice(i + 1) };
  }
  if (entry.username) return { username: entry.username, password: entry.password };
  return undefined;
}

export function storeCredentials(domain: string, c: Credentials): void {
  const cfg = readConfig();
  const key = serverKey(domain);
  const h = helperOf(cfg, key);
  if (h) {
    helper(h, 'store', JSON.stringify({ ServerURL: key, Username: c.identitytoken ? '<token>' : c.username, Secret: c.identitytoken ?? c.password }));
    cfg.auths ??= {};
    cfg.auths[key] = {};
  } else {
    cfg.auths ??= {};
    cfg.auths[key] = c.identitytoken ? { identitytoken: c.identitytoken } : { auth: Buffer.from(`${c.username}:${c.password}`).toString('base64') };
  }
  writeConfig(cfg);
}

/** false when there was nothing to erase */
export function eraseCredentials(domain: string): boolean {
  const cfg = readConfig();
  const key = serverKey(domain);
  const h = helperOf(cfg, key);
  let found = false;
  if (h) { try { helper(h, 'erase', key); found = true; } catch { /* not stored there */ } }
  if (cfg.auths?.[key]) { delete cfg.auths[key]; found = true; }
  if (found) writeConfig(cfg);
  return found;
}

/** The X-Registry-Auth header value for the Engine API. */
export function registryAuthHeader(c: Credentials | undefined, domain: string): string | undefined {
  if (!c) return undefined;
  return Buffer.from(JSON.stringify({ ...c, serveraddress: serverKey(domain) })).toString('base64url');
}

/** Registries config.json knows of (auths and credHelpers), as the keys the config uses. */
function knownRegistries(): string[] {
  const cfg = readConfig();
  return [...new Set([...Object.keys(cfg.auths ?? {}), ...Object.keys(cfg.credHelpers ?? {}), ...storeListing(cfg)])];
}

/** The servers a credsStore holds (`list`), as the docker CLI's GetAllCredentials asks for them. */
function storeListing(cfg: any): string[] {
  if (!cfg.credsStore) return [];
  try {
    const j = JSON.parse(helper(cfg.credsStore, 'list', '') || '{}');
    return j && typeof j === 'object' && !Array.isArray(j) ? Object.keys(j) : [];
  } catch { return []; } // a helper without `list`: the config's own entries still count
}

const keyToDomain = (key: string) => (key === DOCKER_HUB_KEY ? 'docker.io' : key.replace(/^https?:\/\//, '').replace(/\/.*$/, ''));

/**
 * The X-Registry-Config header of POST /build: every credential config.json holds, keyed by
 * registry (what the docker CLI sends, so that FROM can pull from any of them).
 */
export function registryConfigHeader(): string | undefined {
  const all: Record<string, Credentials & { serveraddress: string }> = {};
  for (const key of knownRegistries()) {
    const domain = keyToDomain(key);
    const c = getCredentials(domain);
    if (c) all[serverKey(domain)] = { ...c, serveraddress: serverKey(domain) };
  }
  return Object.keys(all).length ? Buffer.from(JSON.stringify(all)).toString('base64url') : undefined;
}

/** The daemon's side of X-Registry-Config: the credentials for a registry's domain. */
export function decodeRegistryConfig(header: string | string[] | undefined): (domain: string) => Credentials | undefined {
  const h = Array.isArray(header) ? header[0] : header;
  let map: Record<string, any> = {};
  if (h) {
    try {
      const j = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
      if (j && typeof j === 'object' && !Array.isArray(j)) map = j;
    } catch { /* as dockerd: an unreadable config means no credentials */ }
  }
  const byDomain = new Map<string, Credentials>();
  for (const [key, v] of Object.entries(map)) {
    if (!v || typeof v !== 'object') continue;
    byDomain.set(keyToDomain(key), { username: v.username || undefined, password: v.password || undefined, identitytoken: v.identitytoken || undefined, registrytoken: v.registrytoken || undefined });
  }
  return (domain) => byDomain.get(domain);
}
