FROM debian:12
# expect: BL6002
ADD https://example.com/app.tar.gz /opt/
# expect: BL6001
ADD config.yaml /etc/app/
ADD rootfs.tar.xz /
ADD https://github.com/moby/buildkit.git#v0.13.0 /src
USER 1000
