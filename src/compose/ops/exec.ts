/**
 * Running a command in a container through the exec endpoints, as `docker exec` does it: a hijacked
 * connection carries the streams, and the exec's exit code is the result (126/127 when the command
 * could not be started). `compose exec` and `compose run` (for an attached one-off) share the pump.
 */
import type { EngineClient } from '../../client/engine-client.js';
import { DEFAULT_DETACH_KEYS, pumpConnection } from '../../client/streams.js';
import { composeError } from './errors.js';

const enc = encodeURIComponent;

export interface ExecRequest {
  command: string[];
  env: string[];
  user?: string;
  workdir?: string;
  privileged?: boolean;
  tty: boolean;
  interactive: boolean;
  detach?: boolean;
}

/** The exec's exit code (0 for a detached one). */
export async function execIn(client: EngineClient, containerId: string, r: ExecRequest): Promise<number> {
  const tty = r.tty;
  const stdin = r.interactive && !r.detach;
  const consoleSize = tty && process.stdout.isTTY ? [process.stdout.rows, process.stdout.columns] : undefined;
  const created = await client.json<{ Id: string }>('POST', `/containers/${enc(containerId)}/exec`, {
    body: {
      User: r.user ?? '', Privileged: Boolean(r.privileged), Tty: tty, AttachStdin: stdin, AttachStdout: !r.detach, AttachStderr: !r.detach,
      Env: r.env, Cmd: r.command, WorkingDir: r.workdir ?? '', DetachKeys: DEFAULT_DETACH_KEYS, ...(consoleSize ? { ConsoleSize: consoleSize } : {}),
    },
  });
  const execId = created.Id;
  if (r.detach) {
    await client.call('POST', `/exec/${enc(execId)}/start`, { body: { Detach: true, Tty: tty } });
    return 0;
  }
  let conn;
  try {
    conn = await client.hijack('POST', `/exec/${enc(execId)}/start`, { body: { Detach: false, Tty: tty, ...(consoleSize ? { ConsoleSize: consoleSize } : {}) } });
  } catch (e) {
    const info = await client.json('GET', `/exec/${enc(execId)}/json`).catch(() => undefined);
    if (info && !info.Running && Number(info.ExitCode) > 0) {
      process.stderr.write(`${(e as Error).message}\n`);
      return Number(info.ExitCode);
    }
    throw e;
  }
  const res = await pumpConnection(conn, {
    tty, stdin, detachKeys: DEFAULT_DETACH_KEYS,
    resize: (h, w) => client.call('POST', `/exec/${enc(execId)}/resize`, { query: { h, w } }).then(() => undefined),
  });
  if (res.detached) return 0;
  if (res.systemError) throw composeError(res.systemError.trim(), 'ERR_DAEMON');
  // the exit code is recorded when the process is reaped, which can trail the end of its output
  const deadline = Date.now() + 5000;
  let info = await client.json('GET', `/exec/${enc(execId)}/json`);
  while (info.Running && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 20));
    info = await client.json('GET', `/exec/${enc(execId)}/json`);
  }
  return Number(info.ExitCode ?? 0);
}
