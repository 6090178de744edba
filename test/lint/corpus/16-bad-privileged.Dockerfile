FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends iptables kmod && rm -rf /var/lib/apt/lists/*
# expect: BL7003, BL7003, BL6003
RUN modprobe br_netfilter && sysctl -w net.ipv4.ip_forward=1
USER 1000
# expect: BL7003
ENTRYPOINT ["/bin/sh", "-c", "iptables -t nat -A POSTROUTING -j MASQUERADE && exec /app"]
