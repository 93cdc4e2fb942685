"""Every quality and reference route answers only its own methods: anything else is a 405 and changes nothing."""

from __future__ import annotations

import pytest

from quality.models import Finding, Query, QueryMessage

pytestmark = pytest.mark.django_db


def test_wrong_methods_are_refused_with_405(api, world):
    finding = Finding.objects.filter(case=world["case_a"]).first()
    query = world["query_a"]
    routes = {
        "/api/v1/quality/summary/": ("post", "delete"),
        "/api/v1/quality/findings/": ("post", "put", "delete"),
        f"/api/v1/quality/findings/{finding.pk}/": ("post", "put", "patch", "delete"),
        "/api/v1/quality/queries/": ("put", "patch", "delete"),
        f"/api/v1/quality/queries/{query.pk}/": ("post", "put", "patch", "delete"),
        f"/api/v1/quality/queries/{query.pk}/answer/": ("get", "put", "delete"),
        f"/api/v1/quality/queries/{query.pk}/close/": ("get", "put", "delete"),
        f"/api/v1/quality/queries/{query.pk}/reopen/": ("get", "put", "delete"),
        "/api/v1/vocabularies/": ("post", "delete"),
        "/api/v1/vocabularies/genes/": ("post", "put", "delete"),
        "/api/v1/choices/": ("post",),
        "/api/v1/dictionary/": ("post",),
    }
    before = (QueryMessage.objects.count(), Query.history.count(), Finding.objects.count())
    for url, methods in routes.items():
        for method in methods:
            response = getattr(api.manager, method)(url, {"text": "x"}, format="json")
            assert response.status_code == 405, f"{method.upper()} {url} -> {response.status_code}"
    assert (QueryMessage.objects.count(), Query.history.count(), Finding.objects.count()) == before
