FROM alpine:3.20
COPY . /src
RUN apk add --no-cache --virtual .build-deps gcc make musl-dev \
 && make -C /src install \
 && apk del .build-deps \
 && rm -rf /src
USER nobody
