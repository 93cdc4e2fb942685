"""Test overrides only: everything else comes from the environment like in production."""

import tempfile

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# Static files come from the finders in tests; WhiteNoise would only warn that collectstatic never ran.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405
# Run artifacts of one test session go to a directory of its own, never into the working tree.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="registry-test-media-"))  # noqa: F405
# Most tests sign in with client.force_login, and test the pages behind the sign-in. Two-factor enforcement and
# the sign-in throttle are switched on by the tests about them (the `two_factor_enforced` and `axes_enabled`
# fixtures of tests/registry/accounts/conftest.py); the deployment check refuses TWO_FACTOR_ENFORCED = False.
TWO_FACTOR_ENFORCED = False
# django-axes needs the request in authenticate(), which client.login() does not pass.
AXES_ENABLED = False
# The plans the registry ships are installed after migrate with their (append-only) history rows. A test with
# serialized_rollback would write those rows again over themselves, which PostgreSQL refuses: they are left
# out of the serialized copy; the tests that need them install them (analytics.studies.builtin).
TEST_NON_SERIALIZED_APPS = ["analytics.studies"]

# The API takes JSON (an import's upload is the one multipart address): test clients send JSON unless told.
REST_FRAMEWORK = {**REST_FRAMEWORK, "TEST_REQUEST_DEFAULT_FORMAT": "json"}  # noqa: F405
