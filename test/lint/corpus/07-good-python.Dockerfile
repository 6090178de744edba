FROM python:3.12-slim AS build
RUN pip install --no-cache-dir build
COPY . /src
RUN python -m build --wheel /src --outdir /dist

FROM python:3.12-slim
ENV PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
COPY --from=build /dist/*.whl /tmp/
RUN pip install /tmp/*.whl && rm /tmp/*.whl
USER 1000:1000
CMD ["python", "-m", "app"]
