/**
 * berth's own Dockerfile rules, codes BL1xxx (base images), BL2xxx (users and permissions), BL3xxx
 * (package managers), BL4xxx (secrets), BL5xxx (shell and network), BL6xxx (layers and build), BL7xxx
 * (runtime). Each is documented in docs/lint/<CODE>.md.
 */
import type { LintRule } from '../../types.js';
import { BASE_IMAGE_RULES } from './base-images.js';
import { LAYER_RULES } from './layers.js';
import { PACKAGE_RULES } from './packages.js';
import { RUNTIME_RULES } from './runtime.js';
import { SECRET_RULES } from './secrets.js';
import { SHELL_RULES } from './shell.js';
import { USER_RULES } from './users.js';

export const BERTH_RULES: LintRule[] = [
  ...BASE_IMAGE_RULES, ...USER_RULES, ...PACKAGE_RULES, ...SECRET_RULES, ...SHELL_RULES, ...LAYER_RULES, ...RUNTIME_RULES,
];
