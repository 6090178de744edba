FROM alpine:3.20
RUN apk add --no-cache tini ca-certificates \
 && addgroup -S app && adduser -S -G app app
COPY --chown=app:app bin/server /usr/local/bin/server
USER app
ENTRYPOINT ["/sbin/tini", "--", "/usr/local/bin/server"]
