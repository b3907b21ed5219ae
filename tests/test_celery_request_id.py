"""The request id travels with a Celery task (a message header) and is bound while the worker runs it;
an eager task keeps the id of the request that called it."""

import pytest
from celery.worker.request import Request

from passculture.celery import REQUEST_ID_HEADER, app
from passculture.core.common import request_id
from passculture.core.notifications import services
from passculture.core.notifications.tasks import deliver_email


@pytest.fixture
def seen(monkeypatch):
    ids: list[str] = []

    def record(email_id, **kwargs):
        ids.append(request_id.current())
        return services.SKIPPED

    monkeypatch.setattr(services, "deliver_email", record)
    return ids


def test_a_task_queued_in_a_request_is_run_by_the_worker_under_the_same_id(monkeypatch, seen):
    monkeypatch.setattr(app.conf, "task_always_eager", False)
    with app.connection_for_write("memory://") as connection:
        with request_id.bound("req-7f3a9c21-0001"):
            deliver_email.apply_async((1,), connection=connection)
        message = connection.SimpleQueue("celery").get(timeout=1)
    assert message.headers[REQUEST_ID_HEADER] == "req-7f3a9c21-0001"

    # The worker's side: the message handled as a worker does, in a context with no id of its own.
    assert request_id.current() == ""
    Request(message, app=app, task=deliver_email).execute()
    assert seen == ["req-7f3a9c21-0001"]
    assert request_id.current() == "", "the id is unbound once the task ends"


def test_a_task_queued_outside_any_request_gets_a_task_id(monkeypatch, seen):
    monkeypatch.setattr(app.conf, "task_always_eager", False)
    with app.connection_for_write("memory://") as connection:
        deliver_email.apply_async((1,), connection=connection)
        message = connection.SimpleQueue("celery").get(timeout=1)
    assert REQUEST_ID_HEADER not in message.headers
    Request(message, app=app, task=deliver_email).execute()
    assert seen[0].startswith("task-")


def test_an_eager_task_keeps_the_id_of_the_request_that_ran_it(seen):
    with request_id.bound("req-eager-00000001"):
        deliver_email.delay(1)
        assert request_id.current() == "req-eager-00000001"
    assert seen == ["req-eager-00000001"]
