/**
 * The logging drivers berth has besides json-file and none, by Docker's names. Their options are
 * checked at create, synchronously and with dockerd's wording (the *-options.ts modules); the drivers
 * themselves (sockets, msgpack, the datagram binding) load on a container's first start with one,
 * so a daemon whose containers all log to json-file never loads them (docs/performance.md#memory).
 */
import type { LogDriverFactory } from './driver.js';
import { validateFluentdOpts } from './fluentd-options.js';
import { validateGelfOpts } from './gelf-options.js';
import { validateJournaldOpts } from './journald-options.js';
import { localDriver } from './local.js';
import { validateSyslogOpts } from './syslog-options.js';

/** A driver known by its name and option check; its module is imported when a container first needs it. */
function lazyDriver(name: string, validate: (config: Record<string, string>) => void, load: () => Promise<LogDriverFactory>): LogDriverFactory {
  let loading: Promise<LogDriverFactory> | undefined;
  return {
    name,
    validate,
    async create(info) {
      // a failed import is tried again on the next start rather than remembered
      loading ??= load().catch((e: unknown) => { loading = undefined; throw e; });
      return (await loading).create(info);
    },
  };
}

export const LOG_DRIVERS: ReadonlyMap<string, LogDriverFactory> = new Map([
  lazyDriver('syslog', validateSyslogOpts, async () => (await import('./syslog.js')).syslogDriver),
  lazyDriver('gelf', validateGelfOpts, async () => (await import('./gelf.js')).gelfDriver),
  lazyDriver('fluentd', validateFluentdOpts, async () => (await import('./fluentd.js')).fluentdDriver),
  lazyDriver('journald', validateJournaldOpts, async () => (await import('./journald.js')).journaldDriver),
  localDriver,
].map((d) => [d.name, d]));
