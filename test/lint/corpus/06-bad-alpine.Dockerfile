FROM alpine:3.20
# expect: BL3004, BL3003
RUN apk update && apk upgrade && apk add curl
# expect: BL6003, BL6005
RUN apk add --virtual .build gcc musl-dev --no-cache
USER nobody
