# Pactline: one image for the web and worker processes.
#   docker build -t pactline .
#   docker run -p 8000:8000 -e SECRET_KEY=... -e ALLOWED_HOSTS=... pactline
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PACTLINE_DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=8000

# pg_dump/psql for `pactline backup` against PostgreSQL.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY pactline ./pactline
RUN pip install --no-cache-dir . \
    && useradd --create-home --uid 10001 pactline \
    && mkdir -p /data && chown pactline /data

USER pactline
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz')"
# `pactline web` for web processes, `pactline worker` for workers; run `pactline migrate` once
# per upgrade before starting them.
CMD ["pactline", "web"]
