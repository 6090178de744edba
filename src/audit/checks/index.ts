/** Every check, in the benchmark's order. */
import type { AuditCheck } from '../check.js';
import { HOST_CHECKS } from './host.js';
import { DAEMON_CONFIG_CHECKS } from './daemon-config.js';
import { DAEMON_FILE_CHECKS } from './daemon-files.js';
import { IMAGE_CHECKS } from './images.js';
import { CONTAINER_CHECKS } from './containers.js';
import { OPERATIONS_CHECKS } from './operations.js';

export const ALL_CHECKS: AuditCheck[] = [
  ...HOST_CHECKS, ...DAEMON_CONFIG_CHECKS, ...DAEMON_FILE_CHECKS, ...IMAGE_CHECKS, ...CONTAINER_CHECKS, ...OPERATIONS_CHECKS,
];
