/**
 * glibc through koffi, for what Node has no binding of: mount(2) and the new mount API, namespaces,
 * posix_spawn, bridge ioctls, hole punching, malloc_trim. koffi and libc are loaded once for the
 * whole process, and each function is declared once, here, on its first use: a function newer than
 * the host's glibc (open_tree, posix_spawn_file_actions_addclosefrom_np) then fails alone, not the
 * whole table. Everything here throws where it cannot be loaded: each caller decides whether that is
 * fatal or a reason to take a slower path.
 */
import { createRequire } from 'node:module';

type Koffi = typeof import('koffi');
type Library = ReturnType<Koffi['load']>;

/** A libc function as koffi binds it: called on this thread, or with `.async(...args, callback)` on a libuv worker. */
export type NativeFunction = ((...args: unknown[]) => number) & { async: (...args: unknown[]) => void };

/** struct mount_attr of mount_setattr(2): four 64-bit fields. */
const MOUNT_ATTR = { attr_set: 'uint64', attr_clr: 'uint64', propagation: 'uint64', userns_fd: 'uint64' } as const;
export const MOUNT_ATTR_SIZE = 32;

const PROTOTYPES = {
  // mounts
  mount: 'int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)',
  umount2: 'int umount2(const char *target, int flags)',
  open_tree: 'int open_tree(int dfd, const char *path, unsigned int flags)',
  mount_setattr: 'int mount_setattr(int dfd, const char *path, unsigned int flags, const berth_mount_attr *attr, size_t size)',
  move_mount: 'int move_mount(int from_dfd, const char *from_path, int to_dfd, const char *to_path, unsigned int flags)',
  // namespaces
  unshare: 'int unshare(int flags)',
  setns: 'int setns(int fd, int nstype)',
  // files and sockets
  close: 'int close(int fd)',
  fallocate: 'int fallocate(int fd, int mode, int64_t offset, int64_t len)',
  socket: 'int socket(int domain, int type, int protocol)',
  socketpair: 'int socketpair(int domain, int type, int protocol, void *fds)',
  setsockopt: 'int setsockopt(int fd, int level, int name, const void *value, uint32_t len)',
  bind: 'int bind(int fd, const void *addr, uint32_t len)',
  connect: 'int connect(int fd, const void *addr, uint32_t len)',
  ioctl: 'int ioctl(int fd, unsigned long request, void *arg)',
  if_nametoindex: 'unsigned int if_nametoindex(const char *ifname)',
  lgetxattr: 'long lgetxattr(const char *path, const char *name, void *value, size_t size)',
  read: 'long read(int fd, void *buf, size_t count)',
  write: 'long write(int fd, const void *buf, size_t count)',
  fcntl: 'int fcntl(int fd, int cmd, ...)',
  pipe2: 'int pipe2(void *fds, int flags)',
  splice: 'long splice(int fd_in, void *off_in, int fd_out, void *off_out, size_t len, unsigned int flags)',
  shutdown: 'int shutdown(int fd, int how)',
  eventfd: 'int eventfd(unsigned int initval, int flags)',
  epoll_create1: 'int epoll_create1(int flags)',
  epoll_ctl: 'int epoll_ctl(int epfd, int op, int fd, void *event)',
  epoll_wait: 'int epoll_wait(int epfd, void *events, int maxevents, int timeout)',
  statx: 'int statx(int dirfd, const char *path, int flags, unsigned int mask, void *buf)',
  // processes
  posix_spawnp: 'int posix_spawnp(_Out_ int *pid, const char *file, void *actions, void *attr, const char **argv, const char **envp)',
  posix_spawn_file_actions_init: 'int posix_spawn_file_actions_init(void *actions)',
  posix_spawn_file_actions_adddup2: 'int posix_spawn_file_actions_adddup2(void *actions, int fd, int newfd)',
  posix_spawn_file_actions_addopen: 'int posix_spawn_file_actions_addopen(void *actions, int fd, const char *path, int oflag, unsigned int mode)',
  posix_spawn_file_actions_addclosefrom_np: 'int posix_spawn_file_actions_addclosefrom_np(void *actions, int from)',
  posix_spawn_file_actions_addchdir_np: 'int posix_spawn_file_actions_addchdir_np(void *actions, const char *path)',
  posix_spawn_file_actions_destroy: 'int posix_spawn_file_actions_destroy(void *actions)',
  posix_spawnattr_init: 'int posix_spawnattr_init(void *attr)',
  posix_spawnattr_setflags: 'int posix_spawnattr_setflags(void *attr, short flags)',
  posix_spawnattr_setsigmask: 'int posix_spawnattr_setsigmask(void *attr, void *set)',
  posix_spawnattr_setsigdefault: 'int posix_spawnattr_setsigdefault(void *attr, void *set)',
  posix_spawnattr_destroy: 'int posix_spawnattr_destroy(void *attr)',
  waitpid: 'int waitpid(int pid, void *status, int options)',
  // memory
  malloc_trim: 'int malloc_trim(size_t pad)',
} as const;

export type LibcFunctionName = keyof typeof PROTOTYPES;

let loaded: { koffi: Koffi; lib: Library } | undefined;
const declared = new Map<LibcFunctionName, NativeFunction>();

function load(): { koffi: Koffi; lib: Library } {
  if (!loaded) {
    const koffi = createRequire(import.meta.url)('koffi') as Koffi;
    const lib = koffi.load('libc.so.6');
    koffi.struct('berth_mount_attr', MOUNT_ATTR);
    loaded = { koffi, lib };
  }
  return loaded;
}

/** Load koffi and glibc now (the daemon does at start, so a broken install fails before any state is touched). */
export function libc(): void {
  load();
}

/** The libc function `name`, declared on first use; throws where koffi, libc or the function itself is missing. */
export function libcFunction(name: LibcFunctionName): NativeFunction {
  let fn = declared.get(name);
  if (!fn) {
    fn = load().lib.func(PROTOTYPES[name]) as unknown as NativeFunction;
    declared.set(name, fn);
  }
  return fn;
}

/** errno as the last libc call on this thread left it. */
export function lastErrno(): number {
  return load().koffi.errno();
}

/** The name of errno as the last libc call on this thread left it ("EPERM", or "errno N"). */
export function lastErrnoName(): string {
  const { koffi } = load();
  const errno = koffi.errno();
  return Object.entries(koffi.os.errno).find(([, v]) => v === errno)?.[0] ?? `errno ${errno}`;
}
