FROM python:3.12-slim
# expect: BL3006
RUN python3 -m pip install --upgrade pip setuptools
# expect: BL6003
RUN pip3 install --no-cache-dir flask
USER 1000
