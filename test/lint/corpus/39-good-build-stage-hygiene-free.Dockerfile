# Build stages are thrown away: their caches do not matter.
FROM debian:12 AS build
RUN apt-get update && apt-get install -y gcc make
# expect: BL6003
RUN pip install wheel || true
FROM debian:12-slim
COPY --from=build /usr/bin/make /usr/local/bin/make
USER 1000
