# LOCAL STAND-IN for postgres:15, for offline verification only (deploy/verify/README.md).
# Never push it, never use it in production. Debian's postgresql-15 with a small entrypoint that honours
# POSTGRES_DB, POSTGRES_USER and POSTGRES_PASSWORD on the first start, listens on every address, and
# has pg_isready for the healthcheck.
FROM passculture-standin/debian:bookworm
RUN mkdir -p /etc/postgresql-common/createcluster.d \
    && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/no-main-cluster.conf \
    && apt-get update \
    && apt-get install -y --no-install-recommends postgresql-15 \
    && rm -rf /var/lib/apt/lists/*
ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PGDATA=/var/lib/postgresql/data \
    LANG=C.UTF-8
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
LABEL org.passculture.standin="local stand-in for offline verification, not the official image"
VOLUME /var/lib/postgresql/data
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]
