/**
 * InvalidDefinitionDescription (experimental in BuildKit, so off unless `# check=experimental=...`): a comment
 * right above a named FROM or an ARG should start with the stage or arg name (`--call=outline` reads them).
 */
import { lintContext } from '../../context.js';
import { argPairs } from '../../model.js';
import { at, buildkitRule } from './define.js';

export const InvalidDefinitionDescription = buildkitRule('InvalidDefinitionDescription',
  'Comment for build stage or argument should follow the format: `# <arg/stage name> <description>`. If this is not intended to be a description comment, add an empty line or comment between the instruction and the comment.',
  (input, report) => {
    for (const n of lintContext(input).model.nodes) {
      let keys: string[];
      let ins: string;
      if (n.kind === 'from') {
        if (n.args.length !== 3 || n.args[1].toLowerCase() !== 'as') continue;
        keys = [n.args[2].toLowerCase()];
        ins = 'FROM';
      } else if (n.kind === 'arg') {
        keys = argPairs(n).map((p) => p.key);
        ins = 'ARG';
      } else continue;
      if (n.comments.length === 0 || keys.length === 0) continue;
      const first = n.comments.at(-1)!.split(' ')[0];
      if (keys.includes(first)) continue;
      const example = keys.length > 1 ? '<arg_key>' : keys[0];
      report(at(n, `Comment for ${ins} should follow the format: \`# ${example} <description>\``, `Start the comment with '${example}', or put an empty '#' line between it and the ${ins}`));
    }
  }, true);
