import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from registry.middleware import METHOD_NOT_ALLOWED

pytestmark = pytest.mark.django_db


def _post_only_urls(people):
    attempt = AccessAttempt.objects.create(
        username="entry_a", ip_address="198.51.100.7", user_agent="", failures_since_start=5
    )
    return [
        reverse("logout"),
        reverse("registry:user_deactivate", args=[people.entry_a.pk]),
        reverse("accounts:lockout_release", args=[attempt.pk]),
    ]


def test_opening_a_button_only_address_as_a_link_says_what_to_do_and_links_back(client, people):
    client.force_login(people.manager)
    for url in _post_only_urls(people):
        response = client.get(url)
        assert response.status_code == 405, url
        assert response["Allow"] == "POST" or "POST" in response["Allow"], url
        text = response.content.decode()
        assert METHOD_NOT_ALLOWED in text, url
        assert f'href="{reverse("registry:dashboard")}"' in text, url
    # Nothing happened.
    people.entry_a.refresh_from_db()
    assert people.entry_a.is_active
    assert AccessAttempt.objects.exists()
    assert "_auth_user_id" in client.session


def test_signed_out_the_way_back_is_the_sign_in_page(client, db):
    response = client.get(reverse("logout"))
    assert response.status_code == 405
    assert f'href="{reverse("login")}"' in response.content.decode()
