# socialmgr production image: gunicorn for web; the same image runs the Celery worker and beat.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --omit=dev

FROM python:3.12-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    SOCIALMGR_VAR_DIR=/var/lib/socialmgr STATIC_ROOT=/app/staticfiles MEDIA_ROOT=/var/lib/socialmgr/media
RUN apt-get update && apt-get install -y --no-install-recommends gettext libjpeg62-turbo zlib1g \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /app --uid 1000 socialmgr
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --upgrade pip && pip install .
COPY . .
COPY --from=assets /src/node_modules ./node_modules
# The build steps live in a script so that tests/deploy/test_docker.py runs exactly them.
RUN scripts/docker_build.sh && rm -rf node_modules \
    && mkdir -p /var/lib/socialmgr/media && chown -R socialmgr /var/lib/socialmgr
USER socialmgr
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
CMD ["gunicorn", "-c", "python:socialmgr.gunicorn", "socialmgr.wsgi:application"]
