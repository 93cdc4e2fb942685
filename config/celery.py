import logging
import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("registry")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def send_waiting_runs(**_kwargs) -> None:
    """A worker starting (Redis back, or the first worker after an outage) sends the runs Redis could not take
    at once, not only at beat's next tick; beat may not run at all."""
    from analytics.runs.sending import run_send_waiting

    try:
        run_send_waiting()
    except Exception:  # the worker starts anyway; beat tries again within a minute
        logging.getLogger(__name__).exception("the runs waiting for the queue could not be sent")
