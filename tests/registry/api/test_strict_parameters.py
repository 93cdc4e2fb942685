"""A parameter the API cannot take is a 400 naming it, never read as "no filter" (which would list everything)
and never a 500; a body that is not JSON is a 415; a bad ?labels= on a write changes nothing."""

import pytest

from registry import models as m
from registry.api.filters import BOOLEAN_INVALID, EMPTY_FILTER
from registry.api.labels import LABELS_INVALID
from tests.registry.api.conftest_cases import case_url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/api/v1/cases/?center=", "center"),
        ("/api/v1/cases/?locked=maybe", "locked"),
        ("/api/v1/cases/?excluded=-1696", "excluded"),
        ("/api/v1/cases/?modified_since=", "modified_since"),
        ("/api/v1/cases/?modified_since=0001-01-01T00:30:00%2B01:00", "modified_since"),
        ("/api/v1/cases/?expand=everything", "expand"),
        ("/api/v1/imports/?status=", "status"),
        ("/api/v1/dictionary/?table=", "table"),
        ("/api/v1/quality/queries/?finding=-3.4e38", "finding"),
        ("/api/v1/quality/queries/?labels=maybe", "labels"),
    ],
)
def test_a_parameter_that_cannot_be_read_is_a_400_naming_it(api, case_a, url, param):
    response = api.manager.get(url)
    assert response.status_code == 400, response.content
    assert param in response.json()["errors"]


def test_the_messages_say_what_to_send(api, case_a):
    assert api.manager.get("/api/v1/cases/?center=").json()["errors"]["center"] == [EMPTY_FILTER]
    assert api.manager.get("/api/v1/cases/?locked=maybe").json()["errors"]["locked"] == [BOOLEAN_INVALID]
    assert [r["registry_id"] for r in api.manager.get("/api/v1/cases/?locked=false").json()["results"]] == [
        case_a.registry_id
    ]


def test_a_body_that_is_not_json_is_a_415_and_changes_nothing(api, case_a):
    before = m.Case.objects.count()
    response = api.entry_a.post(
        "/api/v1/cases/",
        {"center": "AAA", "hospital_number": "H-9", "sex": "F", "birth_date": "2024-02-01"},
        format="multipart",
    )
    assert response.status_code == 415
    assert m.Case.objects.count() == before


def test_a_bad_labels_value_on_a_write_is_refused_before_anything_is_saved(api, case_a):
    response = api.entry_a.patch(
        case_url(case_a) + "?labels=perhaps", {"gestational_age_weeks": 39}, HTTP_IF_MATCH=f'"{case_a.version}"'
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"labels": [LABELS_INVALID]}
    case_a.refresh_from_db()
    assert case_a.gestational_age_weeks != 39
