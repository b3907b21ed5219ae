import datetime as dt
import socket
from contextlib import contextmanager
from zoneinfo import ZoneInfo

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


@pytest.fixture
def daytime_at_the_venues(time_machine):
    """The clock at the last noon in Paris (the factories' venues), and running: a booking's email to
    the venue is held past its quiet hours (22:00 to 08:00, decision 0033), so a test that expects both
    of a booking's emails sent at once failed when run in the evening. In the past, so that a worker
    process on the real clock finds the emails due too."""
    now = dt.datetime.now(ZoneInfo("Europe/Paris"))
    noon = now.replace(hour=12, minute=0, second=0, microsecond=0)
    time_machine.move_to(noon if noon <= now else noon - dt.timedelta(days=1), tick=True)
