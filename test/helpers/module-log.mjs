// Preloaded (NODE_OPTIONS=--import) into a daemon under test: appends the URL of every module Node
// loads to $BERTH_TEST_MODULE_LOG, so a test can see which of berth's areas a daemon has loaded
// without asking the daemon itself.
import { registerHooks } from 'node:module';
import { appendFileSync } from 'node:fs';

const out = process.env.BERTH_TEST_MODULE_LOG;
if (out) {
  registerHooks({
    load(url, context, nextLoad) {
      appendFileSync(out, `${url}\n`);
      return nextLoad(url, context);
    },
  });
}
