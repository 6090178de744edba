/** Every rule berth lint knows, and the default configuration. */
import { BERTH_RULES } from './rules/berth/index.js';
import { BUILDKIT_RULES } from './rules/buildkit/index.js';
import type { LintConfig, LintRule } from './types.js';

export { BUILDKIT_RULES } from './rules/buildkit/index.js';
export { BERTH_RULES } from './rules/berth/index.js';

export const ALL_RULES: LintRule[] = [...BUILDKIT_RULES, ...BERTH_RULES];

export function defaultLintConfig(): LintConfig {
  return { disabled: [], severities: {}, trustedRegistries: [], failureThreshold: 'warning', shellcheck: true };
}
