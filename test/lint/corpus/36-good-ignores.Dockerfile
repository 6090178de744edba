FROM debian:12
# hadolint ignore=DL3008,DL3015
RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
# berth-ignore=BL5001,BL6003
RUN curl -fsSL https://trusted.internal/bootstrap.sh | sh
USER 1000
