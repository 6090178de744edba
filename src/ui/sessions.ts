/**
 * One-time login tokens and the sessions they open, in memory: a daemon restart logs everyone out,
 * which is what a user expects of a process holding root. Tokens are single-use and short-lived
 * (they travel through a terminal and a URL); sessions end after idling or a fixed maximum age.
 */
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';

export interface UiSession { id: string; csrf: string; created: number; lastSeen: number }

export interface SessionLimits {
  /** how long a token from `berth ui` can be exchanged */
  tokenTtlMs: number;
  /** a session unused this long is gone */
  idleMs: number;
  /** a session is gone this long after login, used or not */
  maxAgeMs: number;
}

export const DEFAULT_LIMITS: SessionLimits = { tokenTtlMs: 2 * 60_000, idleMs: 60 * 60_000, maxAgeMs: 12 * 3600_000 };

/** bounds memory if something mints tokens in a loop */
const MAX_PENDING_TOKENS = 64;
const MAX_SESSIONS = 256;

const secret = (): string => randomBytes(32).toString('base64url');
/** keys are hashes, so a timing difference in the Map lookup says nothing about a real token */
const digest = (s: string): string => createHash('sha256').update(s).digest('hex');

export class UiSessions {
  private tokens = new Map<string, number>();
  private sessions = new Map<string, UiSession>();

  constructor(readonly limits: SessionLimits = DEFAULT_LIMITS, private now: () => number = Date.now) {}

  mintToken(): { token: string; expiresAt: number } {
    this.sweep();
    if (this.tokens.size >= MAX_PENDING_TOKENS) this.tokens.delete(this.tokens.keys().next().value!);
    const token = secret();
    const expiresAt = this.now() + this.limits.tokenTtlMs;
    this.tokens.set(digest(token), expiresAt);
    return { token, expiresAt };
  }

  /** Spends a token: a session for a live one, undefined for an unknown, expired or already used one. */
  redeem(token: string): UiSession | undefined {
    const key = digest(token);
    const expiresAt = this.tokens.get(key);
    this.tokens.delete(key);
    if (expiresAt === undefined || expiresAt < this.now()) return undefined;
    return this.open();
  }

  /** A session after a correct password (compared in constant time). */
  redeemPassword(given: string, expected: string): UiSession | undefined {
    const a = Buffer.from(digest(given));
    const b = Buffer.from(digest(expected));
    return timingSafeEqual(a, b) ? this.open() : undefined;
  }

  /** The live session with this id (and it counts as used now), else undefined. */
  get(id: string | undefined): UiSession | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(digest(id));
    if (!s) return undefined;
    const t = this.now();
    if (t - s.lastSeen > this.limits.idleMs || t - s.created > this.limits.maxAgeMs) {
      this.sessions.delete(digest(id));
      return undefined;
    }
    s.lastSeen = t;
    return s;
  }

  end(id: string): void {
    this.sessions.delete(digest(id));
  }

  get size(): number { return this.sessions.size; }

  private open(): UiSession {
    this.sweep();
    if (this.sessions.size >= MAX_SESSIONS) {
      // the least recently used goes
      let oldest: [string, UiSession] | undefined;
      for (const e of this.sessions) if (!oldest || e[1].lastSeen < oldest[1].lastSeen) oldest = e;
      this.sessions.delete(oldest![0]);
    }
    const t = this.now();
    const s: UiSession = { id: secret(), csrf: secret(), created: t, lastSeen: t };
    this.sessions.set(digest(s.id), s);
    return s;
  }

  private sweep(): void {
    const t = this.now();
    for (const [k, exp] of this.tokens) if (exp < t) this.tokens.delete(k);
    for (const [k, s] of this.sessions) if (t - s.lastSeen > this.limits.idleMs || t - s.created > this.limits.maxAgeMs) this.sessions.delete(k);
  }
}
