/** Hold streaming Engine API responses open for a while and count the JSON documents they send. */
import { request } from 'node:http';
import { BenchError } from './errors.js';

/**
 * GET `path` on the unix socket, read for `ms` milliseconds, then abort. Resolves with the number of
 * newline-terminated documents received; rejects on a non-2xx answer or a connection error.
 */
export function countStreamedDocs(socket: string, path: string, ms: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let docs = 0;
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      if (err) reject(err); else resolve(docs);
    };
    const req = request({ socketPath: socket, path, method: 'GET', headers: { Host: 'docker' } }, (res) => {
      if ((res.statusCode ?? 500) >= 300) {
        res.resume();
        finish(new BenchError(`GET ${path} answered ${res.statusCode}`, 'ERR_API'));
        return;
      }
      res.on('data', (d: Buffer) => { for (const b of d) if (b === 0x0a) docs++; });
      res.on('error', (e) => finish(settled ? undefined : e));
      res.on('end', () => finish());
    });
    req.on('error', (e) => finish(settled ? undefined : e));
    const timer = setTimeout(() => finish(), ms);
    req.end();
  });
}
