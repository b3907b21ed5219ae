"""Celery wiring. With no broker configured, tasks run eagerly in-process (see settings).

The request id (core.common.request_id) travels with every task as a message header: the worker binds
it while the task runs, so the task's log lines, and the emails and imports it causes, carry the id of
the request that queued it. A task queued outside any request gets `task-<hex>`."""

import os

from celery import Celery
from celery.signals import before_task_publish, task_postrun, task_prerun

from passculture.core.common import request_id

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "passculture.settings")

app = Celery("passculture")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

REQUEST_ID_HEADER = "passculture_request_id"


@before_task_publish.connect(weak=False)
def carry_request_id(headers=None, **kwargs) -> None:
    current = request_id.current()
    if current and headers is not None:
        headers.setdefault(REQUEST_ID_HEADER, current)


@task_prerun.connect(weak=False)
def bind_request_id(task=None, **kwargs) -> None:
    if task is None:
        return
    carried = getattr(task.request, REQUEST_ID_HEADER, None)
    if carried:
        bound = request_id.accept(str(carried))
    else:
        # An eager task runs inside the request that called it: same id.
        bound = request_id.current() or request_id.generate("task-")
    task.request.passculture_request_id_token = request_id.set_current(bound)


@task_postrun.connect(weak=False)
def unbind_request_id(task=None, **kwargs) -> None:
    token = getattr(getattr(task, "request", None), "passculture_request_id_token", None)
    if token is not None:
        try:
            request_id.reset(token)
        except ValueError:
            request_id.set_current("")  # set in another context (a pool thread): just cleared
        task.request.passculture_request_id_token = None
