FROM debian:12
RUN ["apt-get", "update"]
RUN ["/bin/bash", "-c", "set -o pipefail && echo ok | cat"]
USER 1000
CMD ["bash"]
