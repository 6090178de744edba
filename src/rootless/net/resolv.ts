/**
 * The rootless daemon's /etc/resolv.conf. The host's may name resolvers on the host's loopback
 * (systemd-resolved's 127.0.0.53, dnsmasq's 127.0.0.1), which the daemon's namespace cannot reach: those
 * lines become the driver's DNS forwarder (pasta's --dns-forward address, slirp4netns's 10.0.2.3), which
 * asks the host's resolvers from the host. The embedded DNS of user-defined networks and containers on the
 * default bridge then read resolvers that answer.
 */
export function rootlessResolvConf(hostResolv: string, driverDns: string): string {
  let replaced = false;
  const body = hostResolv.replace(/\n+$/, '');
  const lines = (body ? body.split('\n') : []).flatMap((l) => {
    const m = /^\s*nameserver\s+(\S+)/.exec(l);
    if (!m) return [l];
    if (!/^127\.|^::1$/.test(m[1])) return [l];
    if (replaced) return [];
    replaced = true;
    return [`nameserver ${driverDns}`];
  });
  if (!lines.some((l) => /^\s*nameserver\s/.test(l))) lines.push(`nameserver ${driverDns}`);
  return lines.join('\n').replace(/\n*$/, '\n');
}
