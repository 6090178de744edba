FROM debian:12
ARG TOOL_VERSION=1.4.2
ARG TOOL_SHA256=6f1c5e7a1b9c4b0e3c0a1ad3f94d57a2cd7e0f4e1e6b0a9d7c3b2a1f0e9d8c7b
ADD --checksum=sha256:6f1c5e7a1b9c4b0e3c0a1ad3f94d57a2cd7e0f4e1e6b0a9d7c3b2a1f0e9d8c7b https://example.com/tool-linux-amd64 /usr/local/bin/tool
RUN curl -fsSLo /tmp/t.tgz "https://example.com/t-${TOOL_VERSION}.tgz" \
 && echo "${TOOL_SHA256}  /tmp/t.tgz" | sha256sum -c - \
 && tar -xzf /tmp/t.tgz -C /opt && rm /tmp/t.tgz
USER 65534
