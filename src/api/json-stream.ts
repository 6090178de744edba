import type { Ctx } from './router.js';
import type { JsonMessage } from '../registry/client/progress.js';
import { toBerthError } from '../common/errors.js';

export interface JsonStream {
  write(m: JsonMessage): void;
  readonly started: boolean;
  /**
   * Before any output: throw, so the API answers with the error's status; after: an error message in
   * the stream, its code beside it (not in errorDetail, whose `code` Docker's clients read as a number).
   */
  fail(e: unknown): void;
  end(): void;
}

/**
 * Docker's JSON-lines progress stream (pull, push, import, load, bootstrap). One per
 * response: whoever writes to it shares the knowledge of whether the headers are out.
 */
export function jsonStream(ctx: Ctx): JsonStream {
  let started = false;
  const write = (m: JsonMessage) => {
    if (!started) { ctx.res.writeHead(200, { 'Content-Type': 'application/json' }); started = true; }
    ctx.res.write(JSON.stringify(m) + '\r\n');
  };
  return {
    write,
    get started() { return started; },
    fail(e: unknown) {
      const err = toBerthError(e);
      if (!started) throw err;
      write({ errorDetail: { message: err.message }, error: err.message, code: err.code });
    },
    end() { if (!started) write({ status: '' }); ctx.res.end(); },
  };
}
