from tests.analytics.fixtures import case_a, case_b, center_a, center_b, media_root, people  # noqa: F401
