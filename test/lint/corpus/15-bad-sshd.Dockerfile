# expect: BL7001
FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends openssh-server && rm -rf /var/lib/apt/lists/* \
 && mkdir /run/sshd
# expect: BL7002
EXPOSE 22
# expect: BL2001
USER root
CMD ["/usr/sbin/sshd", "-D"]
