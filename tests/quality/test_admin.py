import pytest
from django.urls import reverse

from quality.models import Finding
from quality.services import query_open, registry_sweep

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(people, case_a):
    registry_sweep()
    return query_open(user=people.manager, case=case_a, subject="s", text="t"), Finding.objects.first()


def _urls(query, finding):
    return [
        reverse("admin:quality_query_changelist"),
        reverse("admin:quality_query_change", args=[query.pk]),
        reverse("admin:quality_query_history", args=[query.pk]),
        reverse("admin:quality_finding_change", args=[finding.pk]),
        reverse("admin:quality_qualitysnapshot_changelist"),
    ]


def test_the_data_manager_reads_findings_and_queries_in_the_admin_but_cannot_change_them(client, people, rows):
    query, finding = rows
    client.force_login(people.manager)
    for url in _urls(query, finding):
        assert client.get(url).status_code == 200, url
    client.post(reverse("admin:quality_query_change", args=[query.pk]), {"status": "closed"})
    query.refresh_from_db()
    assert query.status == "open"


@pytest.mark.parametrize("who", ["entry_a", "coordinator"])
def test_nobody_else_reaches_them(client, people, rows, who):
    client.force_login(getattr(people, who))
    for url in _urls(*rows):
        assert client.get(url).status_code in (302, 403, 404), url
