# syntax=docker/dockerfile:1
FROM debian:12
# expect: BL3001, BL3002, BL5001
RUN <<EOF
apt-get update
apt-get install -y curl
curl -fsSL https://example.com/i.sh | bash
EOF
USER 1000
