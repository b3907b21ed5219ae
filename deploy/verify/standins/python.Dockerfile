# LOCAL STAND-IN for python:3.11-slim-bookworm, for offline verification only (deploy/verify/README.md).
# Never push it, never use it in production. It gives what our Dockerfile relies on: python and pip
# in /usr/local/bin, pip allowed to install there (a venv at /usr/local from Debian's python3.11, so
# Debian's PEP 668 marker does not apply), useradd.
# Unlike the official image, it also trusts the certificate authorities that the building host adds in
# /usr/local/share/ca-certificates (standins.sh copies them into extra-ca/, never into the repository),
# and pip uses the system store (PIP_CERT): on a machine whose egress re-signs TLS, pip reaches PyPI.
FROM passculture-standin/debian:bookworm
COPY extra-ca/ /usr/local/share/ca-certificates/
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3.11 python3.11-venv ca-certificates netbase tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && update-ca-certificates > /dev/null \
    && python3.11 -m venv /usr/local \
    && /usr/local/bin/python -m pip --version
ENV LANG=C.UTF-8 \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
LABEL org.passculture.standin="local stand-in for offline verification, not the official image"
CMD ["python3"]
