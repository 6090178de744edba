FROM redis:7.2
EXPOSE 6379
HEALTHCHECK NONE
USER redis
CMD ["redis-server"]
