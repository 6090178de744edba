# corpus: {"hasDockerignore": false}
FROM nginx:1.27-alpine
# expect: BL6004
COPY ./ /usr/share/nginx/html/
USER nginx
