/**
 * Which project a command acts on. Commands that only read the engine (ps, top, port, exec, cp…) work
 * without a compose file when -p or COMPOSE_PROJECT_NAME names the project, as compose v2's
 * toProjectName/projectOrName do: the labels, not the file, say what belongs to it.
 */
import type { ComposeContext } from '../context.js';
import type { Project } from '../model.js';

/** -p, else COMPOSE_PROJECT_NAME, else the loaded project's name (compose v2's toProjectName). */
export async function projectName(ctx: ComposeContext): Promise<string> {
  if (ctx.options.projectName) return ctx.options.projectName.toLowerCase();
  const fromEnv = ctx.io.env.COMPOSE_PROJECT_NAME;
  if (fromEnv) return fromEnv.toLowerCase();
  return (await ctx.project()).name;
}

/**
 * The project when files are given or no -p (a file that cannot be loaded falls back to
 * COMPOSE_PROJECT_NAME when set), else just -p's name (compose v2's projectOrName).
 */
export async function projectOrName(ctx: ComposeContext): Promise<{ project: Project | null; name: string }> {
  const name = ctx.options.projectName;
  if (ctx.options.files.length === 0 && name) return { project: null, name: name.toLowerCase() };
  try {
    const project = await ctx.project();
    return { project, name: project.name };
  } catch (e) {
    const fromEnv = ctx.io.env.COMPOSE_PROJECT_NAME;
    if (fromEnv) return { project: null, name: fromEnv.toLowerCase() };
    throw e;
  }
}
