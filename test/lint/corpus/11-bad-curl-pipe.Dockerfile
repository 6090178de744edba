FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates && rm -rf /var/lib/apt/lists/*
# expect: BL5001, BL6003
RUN curl -sL https://get.docker.com/ \
    | sh -s -- --channel stable
COPY x /x
# expect: BL5001
RUN sh -c "$(wget -qO- https://raw.example.com/install.sh)"
USER 1000
