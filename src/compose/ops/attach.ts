/**
 * Attach to a created container, start it and wait for its exit (docker's RunStart, which compose run
 * uses): the attach and the wait are opened before the start so that a quick exit is not missed; our
 * signals go to the container when there is no TTY (sig-proxy).
 */
import type { EngineClient } from '../../client/engine-client.js';
import { readBody } from '../../client/engine-client.js';
import { DEFAULT_DETACH_KEYS, pumpConnection } from '../../client/streams.js';
import { composeError } from './errors.js';

const enc = encodeURIComponent;

export interface AttachOptions { tty: boolean; stdin: boolean; autoRemove: boolean }

/** The container's exit status (0 when the user detached). */
export async function attachStartWait(client: EngineClient, id: string, o: AttachOptions): Promise<number> {
  const attaching = client.hijack('POST', `/containers/${enc(id)}/attach`, {
    query: { stream: true, stdin: o.stdin, stdout: true, stderr: true, detachKeys: DEFAULT_DETACH_KEYS },
  });
  // the daemon answers the wait's headers once the waiter is armed; a removed container (--rm) ends it too
  const waiting = client.request('POST', `/containers/${enc(id)}/wait`, { query: { condition: o.autoRemove ? 'removed' : 'next-exit' } });
  const result = waiting.then(async (res) => {
    const body = JSON.parse((await readBody(res)).toString('utf8') || '{}');
    if (body.Error?.Message) throw composeError(body.Error.Message, 'ERR_DAEMON');
    return Number(body.StatusCode ?? 0);
  });
  result.catch(() => {});
  const conn = await attaching;
  await Promise.race([waiting.then(() => undefined, () => undefined), new Promise<void>((r) => setTimeout(r, 300).unref())]);
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];
  const handlers = o.tty ? [] : signals.map((sig) => {
    const h = () => { client.call('POST', `/containers/${enc(id)}/kill`, { query: { signal: sig } }).catch(() => {}); };
    process.on(sig, h);
    return [sig, h] as const;
  });
  try {
    const pump = pumpConnection(conn, {
      tty: o.tty, stdin: o.stdin, detachKeys: DEFAULT_DETACH_KEYS,
      resize: (h, w) => client.call('POST', `/containers/${enc(id)}/resize`, { query: { h, w } }).then(() => undefined),
    });
    try {
      await client.call('POST', `/containers/${enc(id)}/start`);
    } catch (e) {
      conn.socket.destroy();
      throw e;
    }
    const r = await pump;
    if (r.detached) return 0;
    if (r.systemError) throw composeError(r.systemError.trim(), 'ERR_DAEMON');
    return await result;
  } finally {
    for (const [sig, h] of handlers) process.off(sig, h);
  }
}
