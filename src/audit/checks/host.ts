/** CIS section 1, host configuration: what can be checked on this host; the manual items are notes. */
import { realpathSync } from 'node:fs';
import { hostCheck, info, note, pass, warn, type AuditCheck, type AuditContext, type Verdict } from '../check.js';
import { auditWatches, gidOf, groupMembers, mountOf, watched } from '../files.js';

function realOr(p: string): string { try { return realpathSync(p); } catch { return p; } }

/** 1.1.3-1.1.16: one auditd watch per berth path; no rule files at all is one WARN per path. */
function auditRuleCheck(id: string, title: string, paths: (ctx: AuditContext) => string[]): AuditCheck {
  return hostCheck({ id, section: 1, title, remediation: 'add an auditd watch, e.g. `-w PATH -k berth` in /etc/audit/rules.d/berth.rules, and reload auditd (augenrules --load)' }, (ctx) => {
    const list = paths(ctx);
    if (list.length === 0) return info('nothing to watch here');
    const watches = auditWatches(ctx.host.auditRules);
    return list.map((p): Verdict => {
      if (!watches) return warn(`no auditd rules on this host (auditd not installed or not configured): ${p} is not audited`, p);
      return watched(watches, p) ? pass(`${p} is audited`, p) : warn(`${p} is not audited`, p);
    });
  });
}

export const HOST_CHECKS: AuditCheck[] = [
  hostCheck({ id: '1.1.1', section: 1, title: 'Ensure a separate partition for containers has been created', remediation: 'put the root directory (--root, daemon.json "root") on a file system of its own, so that containers filling it cannot fill the host\'s /' }, (ctx) => {
    const root = realOr(ctx.root);
    const m = mountOf(ctx.host.mountinfo, root);
    return m.mountPoint === '/'
      ? warn(`root directory ${ctx.root} is on the host's / file system`, ctx.root)
      : pass(`root directory ${ctx.root} is on ${m.mountPoint} (${m.fsType}), not on /`, ctx.root);
  }),
  hostCheck({ id: '1.1.2', section: 1, title: 'Ensure only trusted users are allowed to control the berth daemon', remediation: 'keep the socket group (--group) to trusted users only: `gpasswd -d USER GROUP`' }, (ctx) => {
    if (!ctx.facts.socketGroup) return info('the API sockets belong to root\'s group: only root can use them');
    const gid = gidOf(ctx.host.group, ctx.facts.socketGroup);
    if (gid === undefined) return warn(`socket group ${ctx.facts.socketGroup} is not in ${ctx.host.group}`);
    const g = groupMembers(ctx.host.group, gid);
    return info(`members of the socket group ${g?.name ?? gid} (root-equivalent): ${g?.members.length ? g.members.join(', ') : 'none'}`);
  }),
  auditRuleCheck('1.1.3', 'Ensure auditing is configured for the berth daemon', (ctx) => (ctx.facts.executable ? [ctx.facts.executable] : [])),
  auditRuleCheck('1.1.4', 'Ensure auditing is configured for the berth run root', (ctx) => [ctx.runRoot]),
  auditRuleCheck('1.1.5', 'Ensure auditing is configured for the berth root directory', (ctx) => [ctx.root]),
  auditRuleCheck('1.1.6', 'Ensure auditing is configured for berth files and directories - /etc/berth', (ctx) => [ctx.host.configDir]),
  auditRuleCheck('1.1.11', 'Ensure auditing is configured for berth files and directories - daemon.json', (ctx) => (ctx.facts.configFile ? [ctx.facts.configFile] : [])),
  auditRuleCheck('1.1.16', 'Ensure auditing is configured for the OCI runtimes (crun, runc)', (ctx) => Object.values(ctx.engine.runtimes).map((r) => r.info.binary ?? r.info.path)),
  hostCheck({ id: '1.2.1', section: 1, title: 'Ensure the container host has been hardened', remediation: 'harden the host (CIS benchmark of the distribution); not checkable by berth' },
    () => note('manual: harden the host with its distribution\'s benchmark')),
  hostCheck({ id: '1.2.2', section: 1, title: 'Ensure that the version of berth is up to date', remediation: 'upgrade berth to its latest release' },
    (ctx) => info(`berth ${ctx.facts.version}; compare with the latest release`)),
];
