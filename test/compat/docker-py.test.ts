/**
 * docker-py (Debian python3-docker) against `berth serve`: a Python script that uses the
 * high-level client (containers.run, logs, exec_run, attach, images) and asserts itself.
 */
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { daemonForClients, runOk } from './helpers.js';

const SCRIPT = fileURLToPath(new URL('./docker_py_client.py', import.meta.url));
const hasDockerPy = spawnSync('python3', ['-c', 'import docker'], { stdio: 'ignore' }).status === 0;

test('docker-py: run, logs, exec_run demux, attach socket, images, wait, remove', { skip: !hasDockerPy && 'python3-docker not installed' }, async (t) => {
  const { env } = await daemonForClients(t);
  await runOk('python3', [SCRIPT], { env, timeoutMs: 180_000 });
});
