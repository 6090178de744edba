/**
 * Linux ABI numbers (x86_64 and every other architecture Node ships for, where they agree) for the
 * system calls made through koffi: one list, so modules that make sockets, namespaces and mounts
 * do not each declare their own.
 */
export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;
export const CLONE_NEWNET = 0x40000000;
export const MS_BIND = 0x1000;
export const MNT_DETACH = 2;
export const SIOCGIFFLAGS = 0x8913;
export const SIOCSIFFLAGS = 0x8914;
export const SIOCBRADDIF = 0x89a2;
export const IFF_UP = 0x1;
/** The calling thread's network namespace (the main thread's moves for a moment in netns-spawn.ts). */
export const THREAD_NETNS = '/proc/thread-self/ns/net';
