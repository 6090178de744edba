/**
 * berth's firewall: one nftables table, `ip berth`, rendered from the database
 * and replaced atomically (one `nft -f` transaction) whenever a network or a
 * published port changes, and at daemon start. Nothing else in the host's
 * ruleset is touched, so a crash can never leave half a rule set: the next
 * start renders the table again from what the database says is alive.
 * A second table, `bridge berth`, holds the inter-container isolation
 * (enable_icc=false) that only the bridge family can see.
 */
import { run } from '../common/exec.js';
import { SystemError } from '../common/errors.js';

export const TABLE = 'berth';

export interface FirewallBridge {
  bridge: string; subnet: string; internal: boolean;
  /** IPv6 networks: their subnet is masqueraded in `table ip6 berth` */
  subnet6?: string;
  /** enable_icc=false: the name prefix all of this network's veths share; frames between them are dropped */
  isolatedVethPrefix?: string;
}
export interface FirewallPort { proto: 'tcp' | 'udp'; hostIp: string; hostPort: number; ip: string; containerPort: number }

export function renderRuleset(bridges: FirewallBridge[], ports: FirewallPort[]): string {
  const q = (s: string) => JSON.stringify(s);
  const publish = ports.map((p) => `    ${p.hostIp && p.hostIp !== '0.0.0.0' ? `ip daddr ${p.hostIp} ` : ''}${p.proto} dport ${p.hostPort} dnat to ${p.ip}:${p.containerPort}`);
  const post: string[] = [];
  const fwd: string[] = [];
  for (const b of bridges) {
    post.push(`    ip saddr 127.0.0.0/8 oifname ${q(b.bridge)} masquerade`);
    // hairpin: a container reaching a published port through the host lands on its own bridge
    post.push(`    ct status dnat iifname ${q(b.bridge)} oifname ${q(b.bridge)} masquerade`);
    if (!b.internal) post.push(`    ip saddr ${b.subnet} oifname != ${q(b.bridge)} masquerade`);
    fwd.push(`    iifname ${q(b.bridge)} oifname ${q(b.bridge)} accept`);
    fwd.push(`    oifname ${q(b.bridge)} ct state established,related accept`);
    if (!b.internal) fwd.push(`    oifname ${q(b.bridge)} ct status dnat accept`);
    fwd.push(`    oifname ${q(b.bridge)} drop`);
    if (b.internal) fwd.push(`    iifname ${q(b.bridge)} drop`);
  }
  // icc=false is enforced where the frames are switched: the bridge family's forward hook sees
  // port-to-port traffic (no br_netfilter needed); traffic to the gateway goes up to the host and passes
  const isolate = bridges.filter((b) => b.isolatedVethPrefix).map((b) => `    iifname ${q(b.isolatedVethPrefix + '*')} oifname ${q(b.isolatedVethPrefix + '*')} drop`);
  const post6 = bridges.filter((b) => b.subnet6 && !b.internal).map((b) => `    ip6 saddr ${b.subnet6} oifname != ${q(b.bridge)} masquerade`);
  const v6 = bridges.some((b) => b.subnet6);
  return [
    `add table ip6 ${TABLE}`,
    `delete table ip6 ${TABLE}`,
    // IPv6 gets the same isolation (forward rules name interfaces only) and masquerading out; no published ports
    ...(v6 ? [
      `table ip6 ${TABLE} {`,
      '  chain postrouting {', '    type nat hook postrouting priority srcnat; policy accept;', ...post6, '  }',
      '  chain forward {', '    type filter hook forward priority filter; policy accept;', ...fwd.filter((l) => !l.includes('ct status dnat')), '  }',
      '}',
    ] : []),
    `add table bridge ${TABLE}`,
    `delete table bridge ${TABLE}`,
    `table bridge ${TABLE} {`,
    '  chain forward {', '    type filter hook forward priority filter; policy accept;', ...isolate, '  }',
    '}',
    `add table ip ${TABLE}`,
    `delete table ip ${TABLE}`,
    `table ip ${TABLE} {`,
    '  chain publish {', ...publish, '  }',
    '  chain prerouting {', '    type nat hook prerouting priority dstnat; policy accept;', '    fib daddr type local jump publish', '  }',
    '  chain output {', '    type nat hook output priority -100; policy accept;', '    fib daddr type local jump publish', '  }',
    '  chain postrouting {', '    type nat hook postrouting priority srcnat; policy accept;', ...post, '  }',
    '  chain forward {', '    type filter hook forward priority filter; policy accept;', ...fwd, '  }',
    '}',
  ].join('\n') + '\n';
}

export async function applyRuleset(text: string): Promise<void> {
  const r = await run('nft', ['-f', '-'], { input: text });
  if (r.code !== 0) throw new SystemError(`nft: ${(r.stderr || r.stdout).trim()}`, 'ERR_FIREWALL');
}
