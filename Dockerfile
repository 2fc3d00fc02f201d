# lotsync as a container: `lotsync run` (the scheduler) by default.
#
#   docker build -t lotsync .
#   docker run -d --name lotsync --restart unless-stopped \
#       -v /srv/lotsync:/config \
#       -e GOOGLE_APPLICATION_CREDENTIALS=/config/service-account.json \
#       lotsync
#   docker run --rm lotsync demo --dir /tmp/demo        # the demo, nothing mounted
#
# Nothing secret is in the image: the configuration, the service-account key and the state
# (lotsync-state.json, lotsync.lock, outbox/) live in the /config volume, writable by uid 10001.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    LOTSYNC_CONFIG=/config/lotsync.toml

# Only what `pip install .` needs: no tests, no dev dependencies, no keys (see .dockerignore).
WORKDIR /src
COPY pyproject.toml README.md ./
COPY lotsync ./lotsync
COPY fake_google ./fake_google
RUN pip install . \
    && rm -rf /src \
    && groupadd --system --gid 10001 lotsync \
    && useradd --system --uid 10001 --gid lotsync --home-dir /home/lotsync --create-home lotsync \
    && mkdir /config && chown lotsync:lotsync /config

USER lotsync
WORKDIR /home/lotsync
VOLUME ["/config"]

# Healthy while a scheduler holds the lock (`lotsync status` tries it without taking it).
HEALTHCHECK --interval=5m --timeout=30s --start-period=1m --retries=2 \
    CMD lotsync status --format json \
        | python -c "import json, sys; sys.exit(0 if json.load(sys.stdin)['scheduler']['running'] else 1)"

# SIGTERM (docker stop) lets a sync finish or abandons it before it writes; give it 30 s:
# docker stop --time 35, or stop_grace_period: 35s in compose.
STOPSIGNAL SIGTERM
ENTRYPOINT ["lotsync"]
CMD ["run", "--config", "/config/lotsync.toml"]
