FROM debian:12
# expect: BL5001
RUN ["/bin/sh", "-c", "wget -O- https://example.com/setup | sh"]
# expect: BL3002, BL3001
RUN ["/bin/bash", "-c", "apt-get update && apt-get install -y jq"]
USER 1000
