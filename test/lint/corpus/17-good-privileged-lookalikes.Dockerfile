FROM debian:12
RUN --mount=type=cache,target=/var/cache/apt --mount=type=cache,target=/var/lib/apt/lists \
    apt-get update && apt-get install -y --no-install-recommends iptables
# different --mount flags: not joinable
RUN sysctl -a > /tmp/sysctl.txt || true; ip addr show; mount | grep -c proc || true
USER 1000
