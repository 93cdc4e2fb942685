import re

import pytest
import yaml
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_schema_is_openapi_3_and_lists_the_api(client, people):
    client.force_login(people.entry_a)
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/me/" in schema["paths"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]


@pytest.mark.parametrize("url", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_swagger_ui_and_redoc_load_nothing_from_another_host(client, people, url):
    client.force_login(people.entry_a)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)


def test_the_sidecar_assets_are_served_locally(client, people):
    client.force_login(people.entry_a)
    html = client.get("/api/v1/docs/").content.decode()
    script = re.search(r"""src=["']/static/([^"']*swagger-ui-bundle\.js)""", html).group(1)
    assert finders.find(script) is not None


@pytest.mark.parametrize("url", ["/api/v1/schema/", "/api/v1/docs/", "/api/v1/redoc/"])
def test_the_schema_and_its_pages_need_a_sign_in_like_every_page(client, url):
    assert client.get(url).status_code == 401
