# expect: BL4001, BL4002
ARG GITHUB_TOKEN=ghp_0123456789abcdefghijklmnopqrstuvwxyz012
# expect: BL1001, BL2002
FROM debian
# expect: BL4002
ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
# expect: BL4001, BL4001
ENV AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY \
    API_KEY=abc123
# expect: BL4001
LABEL com.example.deploy.token="tok-123"
ARG NPM_TOKEN
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > ~/.npmrc
