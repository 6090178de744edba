# corpus: {"hasDockerignore": false}
# The issue's new user: latest base, apt without hygiene, curl | sh, a password in ENV, no USER.
# expect: BL1001, BL2002, BL7001
FROM node:latest
# expect: BL4001
ENV DB_PASSWORD=hunter2
# expect: BL3001, BL3002
RUN apt-get update && apt-get install -y curl
# expect: BL5001, BL6003
RUN curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
# expect: BL6004
COPY . .
EXPOSE 3000
CMD ["node", "server.js"]
