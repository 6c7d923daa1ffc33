# The eventwire worker image (used by docker-compose.yml).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY workers ./workers
COPY schemas ./schemas
COPY samples ./samples
RUN pip install --no-cache-dir -e .
ENV EVENTWIRE_WEB_HOST=0.0.0.0 \
    EVENTWIRE_DATA_DIR=/var/lib/eventwire
EXPOSE 6066
ENTRYPOINT ["eventwire"]
CMD ["worker"]
