/** CIS section 2, daemon configuration: the daemon's facts and berth's fixed behaviour. */
import { hostCheck, info, note, pass, warn, type AuditCheck } from '../check.js';

const ICC = 'com.docker.network.bridge.enable_icc';

export const DAEMON_CONFIG_CHECKS: AuditCheck[] = [
  hostCheck({ id: '2.1', section: 2, title: 'Run the berth daemon as a non-root user, if possible', remediation: 'none yet: berth has no rootless mode; limit who can reach the daemon (1.1.2, 2.7)' }, (ctx) =>
    ctx.facts.uid === 0 ? note('the daemon runs as root; berth has no rootless mode yet') : pass(`the daemon runs as uid ${ctx.facts.uid}`)),
  hostCheck({ id: '2.2', section: 2, title: 'Ensure network traffic is restricted between containers on the default bridge', remediation: `put containers on user-defined networks (\`berth network create -o ${ICC}=false NET\`, \`--network NET\`) instead of the default bridge` }, (ctx) => {
    let icc = true;
    try { icc = ctx.engine.networks?.inspect('bridge')?.Options?.[ICC] !== 'false'; } catch { /* no default bridge */ }
    if (!icc) return pass('the default bridge drops traffic between its containers');
    const onBridge = ctx.allContainers.filter((c) => ['', 'default', 'bridge'].includes(c.hostConfig.NetworkMode ?? '')).map((c) => c.name);
    if (onBridge.length < 2) return pass(`the default bridge lets containers talk to each other, but ${onBridge.length ? 'only ' + onBridge[0] + ' uses it' : 'no container uses it'}`);
    return warn(`${onBridge.length} containers on the default bridge can reach each other: ${onBridge.slice(0, 10).join(', ')}${onBridge.length > 10 ? ', ...' : ''}`);
  }),
  hostCheck({ id: '2.3', section: 2, title: "Ensure the logging level is set to 'info'", remediation: 'start the daemon with --log-level info (or daemon.json "log-level": "info")' }, (ctx) =>
    ctx.facts.logLevel === 'info' ? pass('log level is info') : warn(`log level is ${ctx.facts.logLevel}`)),
  hostCheck({ id: '2.4', section: 2, title: 'Ensure berth is allowed to make changes to iptables', remediation: 'let berth manage its firewall rules (bridge networking needs nftables or iptables)' }, (ctx) =>
    ctx.engine.networks ? pass('berth manages the firewall rules of its networks') : info('bridge networking is unavailable on this host (see berth info)')),
  hostCheck({ id: '2.5', section: 2, title: 'Ensure insecure registries are not used', remediation: 'remove "insecure-registries" from daemon.json; give the registries TLS certificates (certs.d)' }, (ctx) =>
    ctx.facts.insecureRegistries.length ? warn(`insecure registries: ${ctx.facts.insecureRegistries.join(', ')}`) : pass('no insecure registries')),
  hostCheck({ id: '2.6', section: 2, title: 'Ensure aufs storage driver is not used', remediation: 'nothing to do: berth always uses overlay' },
    () => pass('the storage driver is overlay')),
  hostCheck({ id: '2.7', section: 2, title: 'Ensure TLS authentication for the berth daemon is configured', remediation: 'listen on TCP only with --tlsverify --tlscacert --tlscert --tlskey (or daemon.json "tlsverify": true and the cert keys), or on unix sockets only' }, (ctx) => {
    const tcp = ctx.facts.listeners.filter((l) => l.kind === 'tcp');
    if (tcp.length === 0) return pass('the daemon listens on unix sockets only');
    return tcp.map((l) => (l.kind === 'tcp' && l.tls && l.verify
      ? pass(`${l.address} requires TLS client certificates`, l.address)
      : warn(`${l.address} listens ${l.kind === 'tcp' && l.tls ? 'with TLS but without client certificate verification' : 'without TLS'}`, l.address)));
  }),
  hostCheck({ id: '2.8', section: 2, title: 'Ensure the default ulimit is configured appropriately', remediation: 'set limits per container with --ulimit; berth has no daemon-wide default-ulimits' }, (ctx) =>
    note(`berth has no daemon-wide default ulimits: containers get the daemon's limits${'default-ulimits' in ctx.facts.config ? ' (daemon.json\'s default-ulimits is not applied, see B2.1)' : ''}`)),
  hostCheck({ id: '2.9', section: 2, title: 'Enable user namespace support', remediation: 'run containers with --userns=auto (a private range of ids from /etc/subuid); berth has no daemon-wide userns-remap' }, (ctx) => {
    const shared = ctx.allContainers.filter((c) => !c.hostConfig.UsernsMode || c.hostConfig.UsernsMode === 'host').length;
    return note(`berth has no daemon-wide userns-remap; ${shared} of ${ctx.allContainers.length} containers share the host's user namespace (see 5.30)`);
  }),
  hostCheck({ id: '2.12', section: 2, title: 'Ensure that authorization for berth client commands is enabled', remediation: 'restrict the socket (3.15, 3.16) and TCP to client certificates (2.7); berth has no authorization plugins yet' }, (ctx) =>
    note(`berth has no authorization plugins: whoever reaches the API is root on the host${'authorization-plugins' in ctx.facts.config ? ' (daemon.json\'s authorization-plugins is not applied, see B2.1)' : ''}`)),
  hostCheck({ id: '2.13', section: 2, title: 'Ensure centralized and remote logging is configured', remediation: 'ship the json-file logs under the root directory to a log collector; berth has no remote log drivers' }, (ctx) =>
    info(`the default log driver is ${ctx.facts.logDriver}; berth has no remote log drivers`)),
  hostCheck({ id: '2.14', section: 2, title: 'Ensure containers are restricted from acquiring new privileges', remediation: 'run containers with --security-opt no-new-privileges (5.25); berth has no daemon-wide default' }, (ctx) =>
    note(`berth has no daemon-wide no-new-privileges default${'no-new-privileges' in ctx.facts.config ? ' (daemon.json\'s no-new-privileges is not applied, see B2.1)' : ''}; see 5.25 for each container`)),
  hostCheck({ id: '2.15', section: 2, title: 'Ensure live restore is enabled', remediation: 'nothing to do: berth always restores containers' },
    () => pass('containers run under conmon and outlive the daemon; berth finds them again at start')),
  hostCheck({ id: '2.16', section: 2, title: 'Ensure Userland Proxy is disabled', remediation: 'nothing to do: berth publishes ports with NAT rules' },
    () => pass('published ports are NAT rules, no userland proxy')),
  hostCheck({ id: '2.17', section: 2, title: 'Ensure that a daemon-wide custom seccomp profile is applied if appropriate', remediation: 'keep the default profile; do not run containers with --security-opt seccomp=unconfined (5.21)' }, (ctx) =>
    pass(`containers get berth's default seccomp profile unless they ask for another${'seccomp-profile' in ctx.facts.config ? ' (daemon.json\'s seccomp-profile is not applied, see B2.1)' : ''}`)),
  hostCheck({ id: '2.18', section: 2, title: 'Ensure that experimental features are not implemented in production', remediation: 'nothing to do: berth has no experimental mode' },
    () => pass('berth has no experimental features')),
  hostCheck({ id: 'B2.1', section: 2, title: 'Ensure daemon.json has no options that berth does not apply', remediation: 'remove these keys from daemon.json, or get their effect another way (the checks they name say how)' }, (ctx) => {
    const keys = ctx.facts.ignoredConfigKeys;
    if (!ctx.facts.configFile) return pass('no daemon.json');
    return keys.length ? warn(`${ctx.facts.configFile}: berth does not apply ${keys.join(', ')}`, ctx.facts.configFile) : pass(`berth applies every option of ${ctx.facts.configFile}`, ctx.facts.configFile);
  }),
];
