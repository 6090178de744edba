/** The logging drivers berth has besides json-file and none, by Docker's names. */
import type { LogDriverFactory } from './driver.js';
import { syslogDriver } from './syslog.js';
import { gelfDriver } from './gelf.js';
import { fluentdDriver } from './fluentd.js';
import { journaldDriver } from './journald.js';
import { localDriver } from './local.js';

export const LOG_DRIVERS: ReadonlyMap<string, LogDriverFactory> = new Map([
  syslogDriver,
  gelfDriver,
  fluentdDriver,
  journaldDriver,
  localDriver,
].map((d) => [d.name, d]));
