// Preloaded (NODE_OPTIONS=--import) into the daemon that bench/probes/memory-phases.ts starts: on
// SIGUSR2 it writes process.memoryUsage() as JSON to $BERTH_BENCH_HEAP_REPORT, so the probe can read
// the daemon's heap as well as its RSS without any endpoint of the daemon's own.
import { renameSync, writeFileSync } from 'node:fs';

const out = process.env.BERTH_BENCH_HEAP_REPORT;
if (out) {
  process.on('SIGUSR2', () => {
    writeFileSync(`${out}.tmp`, JSON.stringify(process.memoryUsage()));
    renameSync(`${out}.tmp`, out);
  });
}
