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
export const EPOLLIN = 0x001;
export const EPOLLOUT = 0x004;
export const EPOLLRDHUP = 0x2000;
export const EPOLLET = 0x80000000;
export const EPOLL_CTL_ADD = 1;
export const EPOLL_CTL_DEL = 2;
export const EPOLL_CLOEXEC = 0o2000000;
/** struct epoll_event is packed on x86-64 (u32 events, u64 data); aarch64 pads it to 16 */
export const EPOLL_EVENT_SIZE = process.arch === 'x64' ? 12 : 16;
/** where epoll_data (the descriptor, here) sits in it */
export const EPOLL_DATA_OFFSET = process.arch === 'x64' ? 4 : 8;
export const EFD_CLOEXEC = 0o2000000;
export const EFD_NONBLOCK = 0o4000;
export const O_CLOEXEC = 0o2000000;
export const O_NONBLOCK = 0o4000;
export const F_SETFL = 4;
export const F_DUPFD_CLOEXEC = 1030;
export const F_SETPIPE_SZ = 1031;
export const SPLICE_F_MOVE = 1;
export const SPLICE_F_NONBLOCK = 2;
export const SHUT_WR = 1;
