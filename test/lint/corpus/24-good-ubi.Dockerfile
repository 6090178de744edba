FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4
RUN microdnf install -y shadow-utils && microdnf clean all \
 && useradd -r app
USER app
CMD ["sleep", "infinity"]
