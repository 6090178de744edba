import type { Stats } from 'node:fs';

// Go's os.FileMode type bits, which Docker's ContainerPathStat.mode carries.
const GO_MODE_DIR = 2 ** 31;
const GO_MODE_SYMLINK = 2 ** 27;
const GO_MODE_DEVICE = 2 ** 26;
const GO_MODE_NAMED_PIPE = 2 ** 25;
const GO_MODE_SOCKET = 2 ** 24;
const GO_MODE_SETUID = 2 ** 23;
const GO_MODE_SETGID = 2 ** 22;
const GO_MODE_CHAR_DEVICE = 2 ** 21;
const GO_MODE_STICKY = 2 ** 20;

/** Convert a POSIX st_mode to Go's os.FileMode value. */
export function goFileMode(st: Stats): number {
  let m = st.mode & 0o777;
  if (st.isDirectory()) m += GO_MODE_DIR;
  else if (st.isSymbolicLink()) m += GO_MODE_SYMLINK;
  else if (st.isBlockDevice()) m += GO_MODE_DEVICE;
  else if (st.isCharacterDevice()) m += GO_MODE_DEVICE + GO_MODE_CHAR_DEVICE;
  else if (st.isFIFO()) m += GO_MODE_NAMED_PIPE;
  else if (st.isSocket()) m += GO_MODE_SOCKET;
  if (st.mode & 0o4000) m += GO_MODE_SETUID;
  if (st.mode & 0o2000) m += GO_MODE_SETGID;
  if (st.mode & 0o1000) m += GO_MODE_STICKY;
  return m;
}
