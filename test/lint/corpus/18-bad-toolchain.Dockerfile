FROM debian:12
# expect: BL6005
RUN apt-get update && apt-get install -y --no-install-recommends build-essential cmake \
 && rm -rf /var/lib/apt/lists/*
COPY . /src
RUN make -C /src && make -C /src install
# expect: BL6003
RUN rm -rf /src
USER 1000
