/**
 * Single-use tokens for the URLs that Exec, Attach and PortForward answer, as the kubelet's streaming
 * server (pkg/kubelet/cri/streaming/request_cache.go) keeps them: a request is stored under a random
 * token for one minute, the first connection that presents the token takes it, and at most 1000 are
 * waiting at once (older ones are dropped first once they have expired).
 */
import { randomBytes } from 'node:crypto';
import { BerthError } from '../../common/errors.js';

export const TOKEN_TTL_MS = 60_000;
export const MAX_IN_FLIGHT = 1000;

export type CachedRequest =
  | { kind: 'exec'; containerId: string; cmd: string[]; tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }
  | { kind: 'attach'; containerId: string; tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }
  /** netns: the pod's network namespace (a path), undefined for a host-network pod */
  | { kind: 'portforward'; sandboxId: string; ports: number[]; netns: string | undefined };

export class RequestCache {
  private readonly entries = new Map<string, { req: CachedRequest; expires: number }>();

  constructor(private readonly ttlMs = TOKEN_TTL_MS, private readonly max = MAX_IN_FLIGHT, private readonly now = () => Date.now()) {}

  /** Store a request; its token (URL-safe, 8 characters as the kubelet's). */
  insert(req: CachedRequest): string {
    this.evictExpired();
    if (this.entries.size >= this.max) throw new BerthError('too many streaming requests in flight', { code: 'ERR_CRI_STREAM_BUSY', status: 429 });
    let token: string;
    do token = randomBytes(6).toString('base64url'); while (this.entries.has(token));
    this.entries.set(token, { req, expires: this.now() + this.ttlMs });
    return token;
  }

  /** The request behind a token, once; undefined when unknown, used or expired. */
  consume(token: string): CachedRequest | undefined {
    const e = this.entries.get(token);
    if (!e) return undefined;
    this.entries.delete(token);
    return e.expires > this.now() ? e.req : undefined;
  }

  get size(): number { this.evictExpired(); return this.entries.size; }

  private evictExpired(): void {
    const now = this.now();
    // insertion order is expiry order (one TTL for all)
    for (const [token, e] of this.entries) {
      if (e.expires > now) break;
      this.entries.delete(token);
    }
  }
}
