"""MEDIA_ROOT full or not writable when a run saves its files: the run fails with that reason, leaves no file
and no file row behind, and can be asked for again once the store works."""

from __future__ import annotations

import errno

import pytest
from django.core.files.storage import FileSystemStorage
from django.urls import reverse
from django.utils import translation

from analytics.runs import services
from analytics.runs.models import AnalysisRun, RunArtifact
from analytics.runs.options import RunFilters, RunSettings
from analytics.runs.services import RUN_FILES_NO_SPACE, RUN_FILES_NOT_WRITABLE, run_again, run_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager(django_capture_on_commit_callbacks):
    def request(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            run = run_request(**kwargs)
        run.refresh_from_db()
        return run

    return request


@pytest.fixture
def store_fails(monkeypatch):
    """The file store accepts the first file, then half-writes the second and refuses with `errno`."""

    def arm(code: int):
        real_save = FileSystemStorage._save
        calls = []

        def save(self, name, content):
            calls.append(name)
            if len(calls) == 1:
                return real_save(self, name, content)
            path = self.path(name)
            with open(path, "wb") as half:  # what a full disk leaves: part of the file
                half.write(b"partial")
            raise OSError(code, "simulated", path)

        monkeypatch.setattr(FileSystemStorage, "_save", save)
        return lambda: monkeypatch.setattr(FileSystemStorage, "_save", real_save)

    return arm


def _files_on_disk(media_root, run) -> list:
    folder = media_root / "analysis_runs" / str(run.pk)
    return sorted(folder.iterdir()) if folder.exists() else []


REFUSALS = [(errno.ENOSPC, RUN_FILES_NO_SPACE), (errno.EACCES, RUN_FILES_NOT_WRITABLE)]


@pytest.mark.parametrize(("code", "reason"), REFUSALS)
def test_a_store_that_refuses_the_files_fails_the_run_with_that_reason_and_leaves_nothing(
    people, case_a, case_b, eager, store_fails, media_root, code, reason
):
    store_fails(code)
    run = eager(user=people.coordinator, filters=RunFilters(), settings=RunSettings())
    assert run.status == AnalysisRun.Status.FAILED
    assert run.error == reason
    assert not RunArtifact.objects.filter(run=run).exists()
    assert _files_on_disk(media_root, run) == []


def test_the_failed_run_is_asked_for_again_once_the_store_works(
    client, people, case_a, case_b, eager, store_fails, media_root, django_capture_on_commit_callbacks
):
    mend = store_fails(errno.ENOSPC)
    failed = eager(user=people.coordinator, filters=RunFilters(), settings=RunSettings(), language="ru")
    mend()
    client.force_login(people.coordinator)
    page = client.get(reverse("analytics:run_detail", args=[failed.pk])).content.decode()
    assert "the file store is full" in page and "Run it again" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("analytics:run_again", args=[failed.pk]))
    new = AnalysisRun.objects.exclude(pk=failed.pk).get()
    assert response.status_code == 302 and response["Location"] == reverse("analytics:run_detail", args=[new.pk])
    assert new.status == AnalysisRun.Status.DONE and new.artifacts.exists()
    assert (new.filters, new.settings, new.language) == (failed.filters, failed.settings, "ru")
    assert len(_files_on_disk(media_root, new)) == new.artifacts.count()
    failed.refresh_from_db()
    assert failed.status == AnalysisRun.Status.FAILED  # the failed run stays, with its reason


def test_the_reason_reads_in_russian(client, people, case_a, case_b, eager, store_fails):
    store_fails(errno.ENOSPC)
    run = eager(user=people.coordinator, filters=RunFilters(), settings=RunSettings())
    client.force_login(people.coordinator)
    with translation.override("ru"):
        page = client.get(reverse("analytics:run_detail", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="ru").content
    assert "file store" not in page.decode()


def test_only_a_failed_run_is_asked_for_again_and_only_by_who_may_ask_for_it(
    client, people, case_a, case_b, eager, store_fails
):
    done = eager(user=people.coordinator, filters=RunFilters(), settings=RunSettings())
    assert done.status == AnalysisRun.Status.DONE
    client.force_login(people.coordinator)
    assert client.post(reverse("analytics:run_again", args=[done.pk])).status_code == 403
    assert "Run it again" not in client.get(reverse("analytics:run_detail", args=[done.pk])).content.decode()
    with pytest.raises(services.PermissionDenied):
        run_again(user=people.coordinator, run=done)

    store_fails(errno.ENOSPC)
    failed = eager(user=people.coordinator, filters=RunFilters(), settings=RunSettings(ci_transform="log"))
    assert failed.status == AnalysisRun.Status.FAILED
    # A center's user cannot ask again for a pooled run: they do not even see it.
    client.force_login(people.lead_a)
    assert client.post(reverse("analytics:run_again", args=[failed.pk])).status_code == 404
    assert client.get(reverse("analytics:run_again", args=[failed.pk])).status_code in (404, 405)
    assert AnalysisRun.objects.count() == 2
