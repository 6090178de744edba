FROM debian:12 AS base
# expect: BL3002
RUN apt-get update && apt-get install -y --no-install-recommends python3
# expect: BL2001
USER root
FROM base
# expect: BL7001
FROM base AS final
EXPOSE 8000
CMD ["python3", "-m", "http.server"]
