/**
 * Log receivers for the driver tests, run inside the test daemon's network namespace (nsenter):
 * `receiver.ts <kind> <addr>` with kind gelf-udp, gelf-tcp, fluentd (forward protocol over tcp,
 * or a unix socket path as addr), syslog-udp or tls (a TLS line receiver: argv 4 and 5 the key and cert). Prints
 * one JSON line per message received: {kind, data} (data decoded: GELF JSON, a fluentd
 * [tag, time, record], a syslog line), and "ready" once listening.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { readFileSync } from 'node:fs';
import { gunzipSync, inflateSync } from 'node:zlib';
import { Decoder, encode } from '@msgpack/msgpack';

const [kind, addr, keyFile, certFile] = process.argv.slice(2);
// RECEIVER_COUNT=1 (the benchmark): only the number of messages, printed as {"count":n} when it changes
let count = 0;
let printed = 0;
const counting = process.env.RECEIVER_COUNT === '1';
if (counting) setInterval(() => { if (count !== printed) { printed = count; process.stdout.write(JSON.stringify({ kind, data: { count } }) + '\n'); } }, 100);
const out = (data: unknown) => { if (counting) count++; else process.stdout.write(JSON.stringify({ kind, data }) + '\n'); };
const port = Number(addr);

function gelfPayload(b: Buffer): unknown {
  const json = b[0] === 0x1f && b[1] === 0x8b ? gunzipSync(b) : b[0] === 0x78 ? inflateSync(b) : b;
  return JSON.parse(json.toString('utf8'));
}

if (kind === 'gelf-udp') {
  const chunks = new Map<string, Buffer[]>();
  const s = createSocket({ type: 'udp4', recvBufferSize: 8 << 20 });
  s.on('message', (m) => {
    // counting (the benchmark): no decompression, so the receiver keeps up and the kernel drops nothing
    if (counting && m[0] !== 0x1e) { out(null); return; }
    if (m[0] === 0x1e && m[1] === 0x0f) {
      const id = m.subarray(2, 10).toString('hex');
      const seq = m[10];
      const count = m[11];
      const parts = chunks.get(id) ?? new Array<Buffer>(count);
      parts[seq] = m.subarray(12);
      chunks.set(id, parts);
      if (parts.filter(Boolean).length === count) {
        chunks.delete(id);
        out({ chunks: count, message: gelfPayload(Buffer.concat(parts)) });
      }
      return;
    }
    out({ chunks: 0, message: gelfPayload(m) });
  });
  s.bind(port, '127.0.0.1', () => console.log('ready'));
} else if (kind === 'gelf-tcp') {
  createServer((c) => {
    let buf = Buffer.alloc(0);
    c.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (let z = buf.indexOf(0); z >= 0; z = buf.indexOf(0)) { out({ message: JSON.parse(buf.subarray(0, z).toString()) }); buf = buf.subarray(z + 1); }
    });
  }).listen(port, '127.0.0.1', () => console.log('ready'));
} else if (kind === 'fluentd') {
  const srv = createServer((c) => {
    const dec = new Decoder();
    // a stream of msgpack values: each a [tag, time, record, option] message
    void (async () => {
      try {
        for await (const v of dec.decodeStream(c as AsyncIterable<Uint8Array>)) {
          const [tag, time, record, option] = v as [string, unknown, Record<string, string>, { chunk?: string } | undefined];
          // fluentd-request-ack: answer as fluentd's in_forward does
          if (option?.chunk) c.write(encode({ ack: option.chunk }));
          const t = time && typeof time === 'object' && 'data' in (time as object)
            ? (() => { const b = Buffer.from((time as { data: Uint8Array }).data); return { ext: (time as { type: number }).type, sec: b.readUInt32BE(0), nsec: b.readUInt32BE(4) }; })()
            : time;
          out({ tag, time: t, record, ...(option?.chunk ? { chunk: option.chunk } : {}) });
        }
      } catch { /* connection dropped */ }
    })();
  });
  if (/^\d+$/.test(addr)) srv.listen(port, '127.0.0.1', () => console.log('ready'));
  else srv.listen(addr, () => console.log('ready'));
} else if (kind === 'syslog-udp') {
  const s = createSocket({ type: 'udp4', recvBufferSize: 8 << 20 });
  s.on('message', (m) => out(m.toString('utf8')));
  s.bind(port, '127.0.0.1', () => console.log('ready'));
} else if (kind === 'tls') {
  createTlsServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (c) => {
    let buf = '';
    c.on('data', (d) => { buf += d.toString(); for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) { out(buf.slice(0, nl)); buf = buf.slice(nl + 1); } });
    c.on('error', () => undefined);
  }).listen(port, '127.0.0.1', () => console.log('ready'));
} else {
  console.error(`unknown receiver ${kind}`);
  process.exit(2);
}
