"""The case page reads each kind of record once: its timeline and its derived values (age, risk, endpoints) come
from the same records, with their vocabulary entries (markers, abnormalities, protocol, adverse event types)
read in the same query. (The diagnosis row is read once more, archived or not, for the dates the reader may see:
registry.presentation.)"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry import models as m
from tests.factories import make_full_case

pytestmark = pytest.mark.django_db

_DATES = m.Diagnosis._meta.db_table


def test_the_case_page_reads_each_kind_of_record_and_vocabulary_once(client, people, center_a):
    case = make_full_case(people.entry_a, center_a)
    client.force_login(people.entry_a)
    client.get(f"/cases/{case.pk}/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    read = Counter()
    for query in queries.captured_queries:
        table = re.match(r'SELECT .*? FROM "(\w+)"', query["sql"])
        if table:
            read[table[1]] += 1
    twice = {
        table: n for table, n in read.items() if n > (2 if table == _DATES else 1) and table.startswith("registry_")
    }
    assert not twice, f"read more than once: {twice}"
