# syntax=docker/dockerfile:1
FROM debian:12
RUN <<EOF
set -eu
apt-get update
apt-get install -y --no-install-recommends curl
rm -rf /var/lib/apt/lists/*
EOF
COPY <<EOF /etc/app.conf
password_file=/run/secrets/pw
EOF
USER 1000
