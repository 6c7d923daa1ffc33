# The eventwire worker image (used by docker-compose.yml).
FROM node:20-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY web/ ./

FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY workers ./workers
COPY schemas ./schemas
COPY samples ./samples
COPY --from=web /web ./web
RUN pip install --no-cache-dir -e .
ENV EVENTWIRE_WEB_HOST=0.0.0.0 \
    EVENTWIRE_DATA_DIR=/var/lib/eventwire
EXPOSE 6066
ENTRYPOINT ["eventwire"]
CMD ["worker"]
