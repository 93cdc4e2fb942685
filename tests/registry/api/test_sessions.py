import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def test_the_browsers_session_reads_the_api(client, people):
    client.force_login(people.entry_a)
    response = client.get(ME)
    assert response.status_code == 200
    assert response.json()["username"] == "entry_a" and response.json()["token"] is None


def test_a_session_write_without_the_csrf_token_is_refused(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.entry_a)
    response = client.post(ME, {}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_a_session_that_still_owes_its_second_factor_reaches_no_api_route(client, people, settings):
    settings.TWO_FACTOR_ENFORCED = True
    # The coordinator's role requires two-factor sign-in; force_login skips the code.
    client.force_login(people.coordinator)
    response = client.get(ME)
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]
