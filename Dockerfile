# Backprop Lab for a class: one container, a network per student, kept in SQLite on /data.
#   docker build -t backprop-lab .
#   docker run -d -p 8000:8000 -v backprop-data:/data --restart unless-stopped backprop-lab
# Every setting is an environment variable BACKPROP_* (see app/config.py).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# Dependencies first, exactly as pinned, so editing the app does not reinstall them.
# A venv (not the system Python) keeps this working on any Debian-like base with python3-venv.
COPY requirements.lock /tmp/requirements.lock
RUN python3 -m venv /opt/venv \
    && pip install --only-binary=:all: -r /tmp/requirements.lock \
    && rm /tmp/requirements.lock

# The server runs as an unprivileged user who may write only to /data.
RUN groupadd --system --gid 10001 backprop \
    && useradd --no-log-init --uid 10001 --gid backprop \
        --home-dir /nonexistent --shell /usr/sbin/nologin backprop \
    && mkdir -p /data \
    && chown backprop:backprop /data

WORKDIR /srv/backprop
COPY app/ app/
COPY static/ static/
COPY templates/ templates/

ENV PYTHONPATH=/srv/backprop \
    BACKPROP_DATABASE=/data/backprop.sqlite3 \
    BACKPROP_HOST=0.0.0.0 \
    BACKPROP_PORT=8000 \
    BACKPROP_WORKERS=2

# Numeric, so orchestrators can check it is not root without reading /etc/passwd.
USER 10001:10001
VOLUME /data
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('BACKPROP_PORT', '8000') + '/healthz', timeout=4)"]

CMD ["python", "-m", "app"]
