/** NoEmptyContinuation: an empty line inside a `\`-continued instruction (the parser's warning). */
import { buildkitRule } from './define.js';

const WARNING = /:(\d+): empty continuation line found in: /;

export const NoEmptyContinuation = buildkitRule('NoEmptyContinuation', 'Empty continuation lines will become errors in a future release', (input, report) => {
  for (const w of input.ast.warnings) {
    const m = WARNING.exec(w);
    if (!m) continue;
    const line = Number(m[1]);
    report({ line, column: 1, message: 'Empty continuation line', fix: 'Remove the empty line, or end it with the escape character too' });
  }
});
