/**
 * Registry access control: none, HTTP basic against an htpasswd file (bcrypt entries,
 * as `htpasswd -B` writes them), or bearer tokens. For tokens the registry is its own
 * token service at /token (Docker's token protocol: basic credentials in, a signed
 * JWT with the granted scopes out), so docker, skopeo and berth can all log in.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import bcrypt from 'bcryptjs';
import { RegistryError } from './errors.js';
import type { DistributionCode } from '../../common/errors.js';

export interface Access { type: string; name: string; actions: string[] }

export interface AuthConfig {
  mode: 'none' | 'basic' | 'token';
  htpasswd?: string;
  realm?: string;
  /** token mode: the realm URL clients fetch tokens from (default: this server's /token) */
  tokenRealm?: string;
  service?: string;
  /** HMAC key for tokens (random per start unless given) */
  secret?: Buffer;
  tokenTtlSeconds?: number;
}

export type AuthResult = { ok: true; user: string | null } | { ok: false; error: RegistryError; challenge: string };

function b64url(b: Buffer | string): string { return Buffer.from(b).toString('base64url'); }

export class Authenticator {
  private users = new Map<string, string>();
  private secret: Buffer;
  private verified = new Map<string, string>(); // "user:password" hash cache of bcrypt successes
  constructor(readonly cfg: AuthConfig) {
    if (cfg.mode !== 'none') {
      if (!cfg.htpasswd) throw new RegistryError(500, 'UNSUPPORTED', `${cfg.mode} auth needs an htpasswd file`);
      this.loadHtpasswd(cfg.htpasswd);
    }
    this.secret = cfg.secret ?? randomBytes(32);
  }

  private loadHtpasswd(path: string): void {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      const l = line.trim();
      if (!l || l.startsWith('#')) continue;
      const i = l.indexOf(':');
      if (i <= 0) continue;
      const hash = l.slice(i + 1);
      if (!/^\$2[aby]\$/.test(hash)) continue; // only bcrypt, as distribution
      this.users.set(l.slice(0, i), hash);
    }
  }

  checkPassword(user: string, password: string): boolean {
    const hash = this.users.get(user);
    if (!hash) return false;
    const key = `${user}\0${password}`;
    if (this.verified.get(key) === hash) return true;
    const ok = bcrypt.compareSync(password, hash);
    if (ok) {
      if (this.verified.size > 1000) this.verified.clear();
      this.verified.set(key, hash);
    }
    return ok;
  }

  private basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
    if (!header?.toLowerCase().startsWith('basic ')) return undefined;
    const dec = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const i = dec.indexOf(':');
    if (i < 0) return undefined;
    return { user: dec.slice(0, i), password: dec.slice(i + 1) };
  }

  /** Decide a request; `access` lists what it needs (empty for /v2/ itself). */
  authorize(header: string | undefined, access: Access[], baseUrl: string): AuthResult {
    if (this.cfg.mode === 'none') return { ok: true, user: null };
    if (this.cfg.mode === 'basic') {
      const c = this.basicCredentials(header);
      if (c && this.checkPassword(c.user, c.password)) return { ok: true, user: c.user };
      return { ok: false, error: new RegistryError(401, 'UNAUTHORIZED', 'authentication required', access.length ? access : undefined), challenge: `Basic realm="${this.cfg.realm ?? 'berth-registry'}"` };
    }
    const realm = this.cfg.tokenRealm ?? `${baseUrl}/token`;
    const service = this.cfg.service ?? 'berth-registry';
    const scope = access.map((a) => `${a.type}:${a.name}:${a.actions.join(',')}`).join(' ');
    const challenge = `Bearer realm="${realm}",service="${service}"${scope ? `,scope="${scope}"` : ''}`;
    const fail = (code: DistributionCode, msg: string): AuthResult => ({ ok: false, error: new RegistryError(401, code, msg, access.length ? access : undefined), challenge });
    if (!header?.toLowerCase().startsWith('bearer ')) return fail('UNAUTHORIZED', 'authentication required');
    const claims = this.verifyToken(header.slice(7).trim());
    if (!claims) return fail('UNAUTHORIZED', 'invalid or expired token');
    for (const a of access) {
      const granted = (claims.access as Access[] ?? []).find((g) => g.type === a.type && g.name === a.name);
      if (!a.actions.every((x) => granted?.actions.includes(x))) {
        return { ok: false, error: new RegistryError(401, 'UNAUTHORIZED', 'insufficient scope', access), challenge: challenge + ',error="insufficient_scope"' };
      }
    }
    return { ok: true, user: claims.sub ?? null };
  }

  /** The token endpoint: basic credentials (or none: anonymous gets no access) in, JWT out. */
  issueToken(header: string | undefined, scopes: string[], service: string | undefined): { token: string; expires_in: number; issued_at: string } {
    const c = this.basicCredentials(header);
    let user: string | null = null;
    if (c) {
      if (!this.checkPassword(c.user, c.password)) throw new RegistryError(401, 'UNAUTHORIZED', 'invalid username or password');
      user = c.user;
    }
    const access: Access[] = [];
    if (user) {
      for (const s of scopes.flatMap((x) => x.split(' ')).filter(Boolean)) {
        const parts = s.split(':');
        if (parts.length < 3) continue;
        const actions = parts.pop()!.split(',').filter((a) => ['pull', 'push', 'delete', '*'].includes(a));
        const type = parts.shift()!;
        access.push({ type, name: parts.join(':'), actions: actions.includes('*') ? ['pull', 'push', 'delete', '*'] : actions });
      }
    }
    const ttl = this.cfg.tokenTtlSeconds ?? 300;
    const now = Math.floor(Date.now() / 1000);
    const payload = { iss: 'berth-registry', sub: user ?? '', aud: service ?? this.cfg.service ?? 'berth-registry', iat: now, nbf: now - 5, exp: now + ttl, jti: randomBytes(8).toString('hex'), access };
    const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const body = b64url(JSON.stringify(payload));
    const sig = b64url(createHmac('sha256', this.secret).update(`${head}.${body}`).digest());
    return { token: `${head}.${body}.${sig}`, expires_in: ttl, issued_at: new Date(now * 1000).toISOString() };
  }

  private verifyToken(token: string): any | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const expect = createHmac('sha256', this.secret).update(`${parts[0]}.${parts[1]}`).digest();
    const got = Buffer.from(parts[2], 'base64url');
    if (got.length !== expect.length || !timingSafeEqual(got, expect)) return undefined;
    try {
      const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString());
      const now = Math.floor(Date.now() / 1000);
      if (typeof claims.exp !== 'number' || claims.exp < now || (claims.nbf ?? 0) > now + 5) return undefined;
      return claims;
    } catch { return undefined; }
  }
}
