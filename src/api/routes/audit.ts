/** berth's own audit endpoint: GET /berth/audit[?container=NAME] answers the AuditReport as JSON. */
import type { Router } from '../router.js';
import { sendJson } from '../http.js';
import { NotSupportedError } from '../../common/errors.js';
import { runAudit } from '../../audit/run.js';

export function auditRoutes(r: Router): void {
  r.get('/berth/audit', async ({ res, engine, facts, query }) => {
    if (!facts) throw new NotSupportedError('the audit needs the daemon\'s facts (listeners, daemon.json): this API server was started without them');
    const container = query.str('container');
    sendJson(res, 200, await runAudit(engine, facts, container ? { container } : {}));
  });
}
