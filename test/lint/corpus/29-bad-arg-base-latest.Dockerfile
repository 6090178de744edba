ARG TAG=latest
# expect: BL1001
FROM alpine:$TAG
USER 1000
