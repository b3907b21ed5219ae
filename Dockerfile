# One image for every role of deploy/ (web, worker, jobs): the command chooses the role (compose.yaml).
# Built and run by deploy/verify/verify.sh (docs/operations/multinode.md says what was verified and how).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PASSCULTURE_VAR_DIR=/var/lib/passculture

RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/passculture --create-home passculture

WORKDIR /srv/passculture
COPY pyproject.toml ./
COPY src ./src
RUN pip install . && rm -rf /root/.cache

# Static files are part of the image (whitenoise serves them, hashed and compressed): collected once here
# with throwaway settings, never at start (two web containers would race on the same files).
RUN DEBUG=0 SECRET_KEY=image-build-only ALLOWED_HOSTS=localhost passculture collectstatic --noinput -v 0 \
    && mkdir -p /var/lib/passculture/private /var/lib/passculture/media \
    && chown -R passculture:passculture /var/lib/passculture/private /var/lib/passculture/media

USER passculture
WORKDIR /var/lib/passculture
EXPOSE 8000

# The web role, as deploy/systemd/passculture-web.service runs it.
CMD ["sh", "-c", "exec gunicorn passculture.wsgi:application --bind \"${GUNICORN_BIND:-0.0.0.0:8000}\" --workers \"${GUNICORN_WORKERS:-2}\" --worker-class gthread --threads \"${GUNICORN_THREADS:-4}\" --timeout 30 --graceful-timeout 25 --keep-alive 5 --max-requests 5000 --max-requests-jitter 500 --no-control-socket --access-logfile - --log-level warning"]
