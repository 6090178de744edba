/** CIS section 6, operations: how many images and containers pile up on the host. */
import { hostCheck, imageName, info, pass, type AuditCheck } from '../check.js';

export const OPERATIONS_CHECKS: AuditCheck[] = [
  hostCheck({ id: '6.1', section: 6, title: 'Ensure that image sprawl is avoided', remediation: 'remove unused images: berth image prune -a' }, (ctx) => {
    const used = new Set(ctx.allContainers.map((c) => c.imageId));
    const unused = ctx.images.filter((i) => !used.has(i.id));
    const summary = `${ctx.images.length} images, ${ctx.images.length - unused.length} in use`;
    return unused.length ? info(`${summary}; unused: ${unused.slice(0, 20).map(imageName).join(', ')}${unused.length > 20 ? ', ...' : ''}`) : pass(summary);
  }),
  hostCheck({ id: '6.2', section: 6, title: 'Ensure that container sprawl is avoided', remediation: 'remove stopped containers: berth container prune' }, (ctx) => {
    const running = ctx.allContainers.filter((c) => c.state.Running).length;
    const total = ctx.allContainers.length;
    const summary = `${total} containers, ${running} running`;
    return total - running > 0 ? info(`${summary}, ${total - running} not running`) : pass(summary);
  }),
];
