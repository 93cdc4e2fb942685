"""Routes of this part of the API (filled in by its views)."""

urlpatterns: list = []
