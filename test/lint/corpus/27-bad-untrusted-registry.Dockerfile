# corpus: {"config": {"trustedRegistries": ["docker.io/library", "registry.example.com"]}}
# expect: BL1002
FROM quay.io/prometheus/busybox:glibc AS tools
FROM registry.example.com/base/debian:12
COPY --from=tools /bin/busybox /bin/busybox
# expect: BL1002
FROM someuser/tool:1.0 AS other
FROM debian:12
USER 1000
