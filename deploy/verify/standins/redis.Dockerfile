# LOCAL STAND-IN for redis:7, for offline verification only (deploy/verify/README.md).
# Never push it, never use it in production. Debian's redis-server and redis-cli; like the official
# image, protected mode is off (the container's network is the boundary) and it runs as user redis.
FROM passculture-standin/debian:bookworm
RUN apt-get update \
    && apt-get install -y --no-install-recommends redis-server redis-tools \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /data && chown redis:redis /data
COPY redis-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
LABEL org.passculture.standin="local stand-in for offline verification, not the official image"
WORKDIR /data
EXPOSE 6379
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["redis-server"]
