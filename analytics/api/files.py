"""Serving a run's files over the API as the web's download view does: logged before anything is sent, as an
attachment, never sniffed. Files are bytes, whatever the client's Accept header asks for."""

from __future__ import annotations

from django.http import FileResponse, HttpResponse
from drf_spectacular.types import OpenApiTypes
from rest_framework.negotiation import BaseContentNegotiation

from analytics.runs.models import AnalysisRun, RunArtifact
from audit.models import AccessEvent
from audit.services import access_event_record

__all__ = ["FILE_RESPONSES", "FileContentNegotiation", "artifact_response", "json_document_response", "log_download"]

# Every kind of file a run produces, for the schema: the body is the file's bytes.
FILE_RESPONSES = {(200, content_type): OpenApiTypes.BINARY for content_type in RunArtifact.CONTENT_TYPES.values()}


class FileContentNegotiation(BaseContentNegotiation):
    """A file is served as it is; errors are JSON. `Accept: application/pdf` must not turn a download into a 406."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def download_name(run: AnalysisRun, artifact: RunArtifact) -> str:
    return f"run{run.source.pk}-{artifact.filename}"


def log_download(request, run: AnalysisRun, artifact: RunArtifact) -> None:
    access_event_record(
        kind=AccessEvent.Kind.DOWNLOAD,
        request=request,
        status=200,
        object_id=run.pk,
        file_name=download_name(run, artifact),
    )


def _secured(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def artifact_response(request, run: AnalysisRun, artifact: RunArtifact) -> FileResponse:
    # Logged before anything is sent: a file whose download cannot be logged is not served.
    log_download(request, run, artifact)
    response = FileResponse(
        artifact.file.open("rb"),
        as_attachment=True,
        filename=download_name(run, artifact),
        content_type=artifact.content_type,
    )
    return _secured(response)


def json_document_response(request, run: AnalysisRun, artifact: RunArtifact) -> HttpResponse:
    """A JSON artifact as the response body itself (the same bytes as the file)."""
    log_download(request, run, artifact)
    with artifact.file.open("rb") as f:
        data = f.read()
    response = HttpResponse(data, content_type=artifact.content_type)
    response["Content-Disposition"] = f'inline; filename="{download_name(run, artifact)}"'
    return _secured(response)
