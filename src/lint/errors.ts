/** The lint's coded errors. */
import { InvalidArgumentError } from '../common/errors.js';

/** `# check=error=true` and a check fired: the build stops before any step (BuildKit's behaviour). */
export class LintFailedError extends InvalidArgumentError {
  constructor(message: string) { super(message, 'ERR_LINT_FAILED'); }
}
