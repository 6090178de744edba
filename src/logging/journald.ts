/** The journald logging driver (not built yet). */
import { NotSupportedError } from '../common/errors.js';
import type { LogDriverFactory } from './driver.js';

export const journaldDriver: LogDriverFactory = {
  name: 'journald',
  validate() { throw new NotSupportedError('logging driver "journald" is not supported by berth yet', 'ERR_LOG_DRIVER'); },
  create() { return Promise.reject(new NotSupportedError('logging driver "journald" is not supported by berth yet', 'ERR_LOG_DRIVER')); },
};
