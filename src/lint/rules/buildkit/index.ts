/** BuildKit's build checks (frontend/dockerfile/linter/ruleset.go), under BuildKit's names, in its order. */
import type { LintRule } from '../../types.js';
import { ConsistentInstructionCasing } from './casing.js';
import { NoEmptyContinuation } from './continuation.js';
import { CopyIgnoredFile } from './copy-ignored.js';
import { InvalidDefinitionDescription } from './definition-description.js';
import { ExposeInvalidFormat, ExposeProtoCasing } from './expose.js';
import { FromPlatformFlagConstDisallowed, InvalidDefaultArgInFrom, RedundantTargetPlatform, UndefinedArgInFrom } from './from-args.js';
import { JSONArgsRecommended, LegacyKeyValueFormat, MaintainerDeprecated, MultipleInstructionsDisallowed, SecretsUsedInArgOrEnv, WorkdirRelativePath } from './instructions.js';
import { DuplicateStageName, FromAsCasing, ReservedStageName, StageNameCasing } from './stages.js';
import { UndefinedVar } from './variables.js';

export const BUILDKIT_RULES: LintRule[] = [
  StageNameCasing, FromAsCasing, NoEmptyContinuation, ConsistentInstructionCasing, DuplicateStageName, ReservedStageName,
  JSONArgsRecommended, MaintainerDeprecated, UndefinedArgInFrom, WorkdirRelativePath, UndefinedVar,
  MultipleInstructionsDisallowed, LegacyKeyValueFormat, RedundantTargetPlatform, SecretsUsedInArgOrEnv,
  InvalidDefaultArgInFrom, FromPlatformFlagConstDisallowed, CopyIgnoredFile, InvalidDefinitionDescription,
  ExposeProtoCasing, ExposeInvalidFormat,
];
