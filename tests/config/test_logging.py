import logging
import logging.config
import sys

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.utils.log import DEFAULT_LOGGING, configure_logging

import config.settings as deployed
from config.logging_filters import NoTracebackForClientErrors


def _record(status: int) -> logging.LogRecord:
    try:
        raise PermissionDenied("nope")
    except PermissionDenied:
        record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden", (), sys.exc_info())
    record.status_code = status
    return record


def test_a_refused_request_keeps_its_line_without_a_traceback_and_a_fault_keeps_it():
    refused, fault = _record(403), _record(500)
    assert NoTracebackForClientErrors().filter(refused) and refused.exc_info is None
    assert NoTracebackForClientErrors().filter(fault) and fault.exc_info is not None


@override_settings(DEBUG=True)
def test_with_debug_on_a_403_is_one_line_on_the_console_without_a_traceback(capsys):
    try:
        logging.config.dictConfig(DEFAULT_LOGGING)
        logging.config.dictConfig(deployed.LOGGING)  # the tests' own settings keep the console quiet
        record = _record(403)
        logging.getLogger("django.request").handle(record)
        err = capsys.readouterr().err
        assert err.count("Forbidden") == 1, err
        assert "Traceback" not in err
    finally:
        with capsys.disabled():
            configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
