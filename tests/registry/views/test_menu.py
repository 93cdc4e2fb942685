"""The menu offers each role only what it can do: every link of the top bar opens for that role."""

import re

import pytest

pytestmark = pytest.mark.django_db

ROLES = ["entry_a", "lead_a", "coordinator", "manager"]


def _menu_links(html: str) -> list[tuple[str, str]]:
    header = html.split('<header class="top">', 1)[1].split("</header>", 1)[0]
    return re.findall(r'<a href="([^"]+)">([^<]+)</a>', header)


@pytest.mark.parametrize("role", ROLES)
def test_every_menu_link_opens_for_the_role_that_sees_it(client, people, role):
    client.force_login(getattr(people, role))
    links = _menu_links(client.get("/").content.decode())
    assert links, "no menu"
    for url, label in links:
        response = client.get(url)
        assert response.status_code == 200, f"{role}: {label} ({url}) -> {response.status_code}"


def test_only_those_who_enter_data_are_offered_to_register_a_case(client, people):
    offered = {}
    for role in ROLES:
        client.force_login(getattr(people, role))
        offered[role] = "Register a case" in dict(
            (label, url) for url, label in _menu_links(client.get("/").content.decode())
        )
    assert offered == {"entry_a": True, "lead_a": True, "coordinator": False, "manager": True}
