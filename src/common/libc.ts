/**
 * glibc through koffi, loaded once for the whole process (Node has no binding for the mount API,
 * mount(2)/umount2(2) off the main thread, or malloc_trim). Throws where koffi or libc cannot be
 * loaded: each caller decides whether that is fatal or a reason to take a slower path.
 */
import { createRequire } from 'node:module';

type Koffi = typeof import('koffi');
export interface Libc { koffi: Koffi; lib: ReturnType<Koffi['load']> }

let loaded: Libc | undefined;

export function libc(): Libc {
  if (!loaded) {
    const koffi = createRequire(import.meta.url)('koffi') as Koffi;
    loaded = { koffi, lib: koffi.load('libc.so.6') };
  }
  return loaded;
}
