FROM ubuntu:22.04
RUN apt-get update
# expect: BL3001, BL3002, BL6003
RUN apt-get install -y nginx
RUN rm -rf /var/lib/apt/lists/*
# expect: BL3003
RUN apt-get update && apt-get -y dist-upgrade && rm -rf /var/lib/apt/lists/*
USER www-data
