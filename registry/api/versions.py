"""Versions over HTTP: every record's ETag is its version; an update must send it back in If-Match."""

from __future__ import annotations

import re

from rest_framework.response import Response

from registry.api.errors import PreconditionFailed, PreconditionRequired

__all__ = ["IF_MATCH_MALFORMED", "etag", "if_match_version", "with_etag"]

IF_MATCH_MALFORMED = 'If-Match must be the ETag of the record as you read it, e.g. "3". Nothing was saved.'
_ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')


def etag(version: int) -> str:
    return f'"{version}"'


def with_etag(response: Response, version: int) -> Response:
    response["ETag"] = etag(version)
    return response


def if_match_version(request) -> int:
    """The version an update was made from: 428 without If-Match, 412 for one that names no version (`*` does
    not either: an update must say which version it read)."""
    header = request.headers.get("If-Match")
    if header is None or not header.strip():
        raise PreconditionRequired()
    match = _ETAG.match(header)
    if match is None:
        raise PreconditionFailed(IF_MATCH_MALFORMED)
    return int(match.group(1))
