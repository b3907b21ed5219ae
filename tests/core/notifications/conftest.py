import socket
from contextlib import contextmanager

import pytest
from aiosmtpd.controller import Controller

from passculture.celery import app as celery_app


class _EphemeralPortController(Controller):
    """aiosmtpd on port 0: the OS picks a free port, read back before the controller's self-check."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class RecordingHandler:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def use_smtp(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback; `.envelopes` holds what it received, `.port` where it listens."""
    handler = RecordingHandler()
    controller = _EphemeralPortController(handler, hostname="127.0.0.1", port=0, server_hostname="localhost")
    controller.start()
    handler.port = controller.port
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on: connecting is refused at once (a mail server or broker down)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_down(settings, closed_port):
    use_smtp(settings, closed_port)
    return closed_port


@pytest.fixture
def no_broker(settings):
    settings.CELERY_BROKER_URL = ""


def _reset_celery_connections(app) -> None:
    # The broker URL and queues are read once and cached on the app: drop the caches to re-read them.
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.__dict__.pop("amqp", None)


@contextmanager
def celery_broker(settings, url: str, *, queue: str = "celery"):
    """Points Django settings and the Celery app at `url` for one test, then restores both."""
    keys = (
        "broker_url",
        "task_always_eager",
        "task_default_queue",
        "worker_hijack_root_logger",
        "worker_enable_remote_control",
    )
    saved = {key: celery_app.conf[key] for key in keys}
    settings.CELERY_BROKER_URL = url
    celery_app.conf.update(
        broker_url=url,
        task_always_eager=False,
        task_default_queue=queue,
        worker_hijack_root_logger=False,
        worker_enable_remote_control=False,
    )
    _reset_celery_connections(celery_app)
    try:
        yield celery_app
    finally:
        _reset_celery_connections(celery_app)
        celery_app.conf.update(saved)
