# syntax=docker/dockerfile:1
FROM node:20.11-slim
ARG NPM_TOKEN
ENV DB_PASSWORD_FILE=/run/secrets/db_password
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm install -g pnpm@9
LABEL org.opencontainers.image.source="https://example.com/repo"
USER node
