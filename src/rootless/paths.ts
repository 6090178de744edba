/**
 * Where berth keeps its state for the user running it. Root uses /var/lib/berth and /run/berth; any other
 * user runs a rootless engine whose state follows the XDG base directories, as rootless Podman and Docker do.
 */
import { join } from 'node:path';

export const ROOT_SOCKET = '/run/berth/berth.sock';

/** true when the process is not root in the host's user namespace (rootless mode) */
export function isRootlessUser(uid: number = process.getuid?.() ?? 0): boolean {
  return uid !== 0;
}

/** $XDG_RUNTIME_DIR, else /run/user/<uid> (what pam_systemd makes for a login session) */
export function xdgRuntimeDir(env: NodeJS.ProcessEnv = process.env, uid: number = process.getuid?.() ?? 0): string {
  return env.XDG_RUNTIME_DIR || `/run/user/${uid}`;
}

/** $XDG_DATA_HOME, else ~/.local/share */
export function xdgDataHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.XDG_DATA_HOME || join(env.HOME || '/', '.local', 'share');
}

/** $XDG_CONFIG_HOME, else ~/.config */
export function xdgConfigHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.XDG_CONFIG_HOME || join(env.HOME || '/', '.config');
}

/** The socket a CLI run by this user talks to when nothing names one: root's, or the user's own engine's. */
export function defaultSocket(env: NodeJS.ProcessEnv = process.env, uid: number = process.getuid?.() ?? 0): string {
  return isRootlessUser(uid) ? join(xdgRuntimeDir(env, uid), 'berth.sock') : ROOT_SOCKET;
}

/** The rootless engine's defaults: state under $XDG_DATA_HOME/berth, volatile state under $XDG_RUNTIME_DIR/berth. */
export function rootlessRoot(env: NodeJS.ProcessEnv = process.env): string {
  return join(xdgDataHome(env), 'berth');
}

export function rootlessRunRoot(env: NodeJS.ProcessEnv = process.env, uid: number = process.getuid?.() ?? 0): string {
  return join(xdgRuntimeDir(env, uid), 'berth');
}

export function rootlessConfigFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(xdgConfigHome(env), 'berth', 'daemon.json');
}
