/**
 * What a watch does to running containers, through the Engine API as compose v2's tar syncer does it:
 * changed files go in as one tar (PUT /containers/{id}/archive at /, names being the container paths,
 * with the host's modes and owners), deleted ones are removed with an exec of `rm -rf`; `sync+exec`
 * runs its command with an exec; restarts are POST /containers/{id}/restart.
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync, type Stats } from 'node:fs';
import { join, posix } from 'node:path';
import { tarBuffer } from '../../client/tar-buffer.js';
import type { EngineClient } from '../../client/engine-client.js';
import { FrameDemuxer } from '../../client/stdcopy.js';
import type { ContainerSummary } from '../../common/engine-api/types.js';
import { composeError } from './errors.js';
import { projectContainers } from './state.js';
import type { PathMapping } from './watch-rules.js';

const enc = encodeURIComponent;

interface Entry { name: string; hostPath: string; st: Stats }

type Copy = PathMapping & { containerPath: string };

/**
 * The tar entries of the mappings that exist, directories walked (what the mapping's rule does not
 * take left out); a later mapping of the same name wins.
 */
function entriesOf(copies: Copy[]): Entry[] {
  const byName = new Map<string, Entry>();
  const add = (c: Copy, hostPath: string, name: string, depth: number) => {
    let st: Stats;
    try { st = lstatSync(hostPath); } catch { return; } // gone since the event: nothing to copy
    if (depth > 0 && c.accept && !c.accept(hostPath, st.isDirectory())) return;
    byName.delete(name);
    byName.set(name, { name, hostPath, st });
    // bounded: a directory tree deeper than this is a loop or a mistake, not a source tree
    if (st.isDirectory() && depth < 64) {
      for (const child of readdirSync(hostPath).sort()) add(c, join(hostPath, child), posix.join(name, child), depth + 1);
    }
  };
  for (const c of copies) add(c, c.hostPath, c.containerPath.replace(/^\/+/, ''), 0);
  return [...byName.values()];
}

/** A tar of the files (regular files, directories, symlinks; sockets and devices left out as the docker CLI does). */
export function syncArchive(copies: Copy[]): Promise<Buffer> {
  return tarBuffer((pack) => {
    for (const { name, hostPath, st } of entriesOf(copies)) {
      const common = { name, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime };
      if (st.isDirectory()) pack.entry({ ...common, type: 'directory' });
      else if (st.isSymbolicLink()) pack.entry({ ...common, type: 'symlink', linkname: readlinkSync(hostPath) });
      else if (st.isFile()) {
        let data: Buffer;
        try { data = readFileSync(hostPath); } catch { continue; }
        pack.entry({ ...common, type: 'file', size: data.length }, data);
      }
    }
  });
}

/** A command run to its end in a container: its exit code and what it wrote (stdout and stderr together). */
export async function execToEnd(client: EngineClient, id: string, cmd: string[], opts: { user?: string; privileged?: boolean; workdir?: string; env?: string[]; timeoutMs?: number } = {}): Promise<{ exitCode: number; output: string }> {
  const { Id } = await client.json<{ Id: string }>('POST', `/containers/${enc(id)}/exec`, {
    body: { Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: false, User: opts.user ?? '', Privileged: !!opts.privileged, WorkingDir: opts.workdir ?? '', Env: opts.env ?? [] },
  });
  const conn = await client.hijack('POST', `/exec/${enc(Id)}/start`, { body: { Detach: false, Tty: false } });
  const out: Buffer[] = [];
  const demux = new FrameDemuxer((kind, payload) => { if (kind !== 'stdin') out.push(payload); });
  if (conn.head.length) demux.push(conn.head);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { conn.socket.destroy(); reject(composeError(`${cmd.join(' ')}: no end after ${timeoutMs / 1000}s`, 'ERR_COMPOSE_WATCH')); }, timeoutMs);
    conn.socket.on('data', (c: Buffer) => { try { demux.push(c); } catch (e) { conn.socket.destroy(e as Error); } });
    conn.socket.on('end', () => { clearTimeout(timer); resolve(); });
    conn.socket.on('close', () => { clearTimeout(timer); resolve(); });
    conn.socket.on('error', (e) => { clearTimeout(timer); reject(e); });
  });
  conn.socket.destroy();
  // the exit code is recorded when the process is reaped, which can trail the end of its output
  const deadline = Date.now() + 5000;
  let info = await client.json('GET', `/exec/${enc(Id)}/json`);
  while (info.Running && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    info = await client.json('GET', `/exec/${enc(Id)}/json`);
  }
  return { exitCode: Number(info.ExitCode ?? 0), output: Buffer.concat(out).toString('utf8') };
}

/** The service's containers that watch acts on (not one-offs). */
export function serviceContainers(client: EngineClient, projectName: string, service: string): Promise<ContainerSummary[]> {
  return projectContainers(client, projectName, { services: [service], oneoff: false, all: true });
}

/**
 * Brings the containers' copies up to date: what exists on the host is copied in, what is gone is
 * removed. Every container is tried; the errors are reported together.
 */
export async function syncService(client: EngineClient, projectName: string, service: string, mappings: PathMapping[]): Promise<void> {
  const copies: Copy[] = [];
  const deletions: string[] = [];
  for (const m of mappings) {
    if (!m.containerPath) continue;
    let exists = true;
    try { lstatSync(m.hostPath); } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw composeError(`stat ${JSON.stringify(m.hostPath)}: ${(e as Error).message}`, 'ERR_COMPOSE_WATCH');
      exists = false;
    }
    if (exists) copies.push(m as Copy);
    else deletions.push(m.containerPath);
  }
  const containers = await serviceContainers(client, projectName, service);
  const archive = copies.length ? await syncArchive(copies) : undefined;
  const errors: string[] = [];
  await Promise.all(containers.map(async (c) => {
    const running = c.State === 'running';
    if (deletions.length && running) {
      try {
        const r = await execToEnd(client, c.Id!, ['rm', '-rf', ...deletions]);
        if (r.exitCode !== 0) errors.push(`deleting paths in ${c.Id}: exit code ${r.exitCode}${r.output ? `: ${r.output.trim()}` : ''}`);
      } catch (e) { errors.push(`deleting paths in ${c.Id}: ${(e as Error).message}`); }
    }
    if (archive) {
      try {
        await client.call('PUT', `/containers/${enc(c.Id!)}/archive`, { query: { path: '/', copyUIDGID: true }, body: archive, contentType: 'application/x-tar' });
      } catch (e) { errors.push(`copying files to ${c.Id}: ${(e as Error).message}`); }
    }
  }));
  if (errors.length) throw composeError(errors.join('\n'), 'ERR_COMPOSE_WATCH');
}

/** Restarts the service's containers (the engine applies each one's stop timeout). */
export async function restartService(client: EngineClient, projectName: string, service: string): Promise<void> {
  for (const c of await serviceContainers(client, projectName, service)) {
    await client.call('POST', `/containers/${enc(c.Id!)}/restart`);
  }
}
