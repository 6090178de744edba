FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends sudo && rm -rf /var/lib/apt/lists/* \
 && useradd -m app && echo "app ALL=(ALL) NOPASSWD:ALL" >> /etc/sudoers
USER app
# expect: BL2003, BL2003, BL2004
RUN sudo mkdir /data && sudo chmod -R 777 /data
# expect: BL2004
COPY --chmod=0666 settings.ini /etc/app/settings.ini
RUN chmod 1777 /tmp && chmod 755 /usr/local/bin
