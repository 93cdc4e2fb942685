"""Everything a person reads, rendered from the demo registry: every page for every role, every report format,
the e-mails; in English and in Russian.

The pages are found by walking the URL resolver (like tests/registry/views/test_menu.py and
tests/registry/api/matrix.py), so a page added later is covered without editing this module. A route whose URL
arguments cannot be filled here makes the corpus test fail by name: add a filler to `fillings`.
"""

from __future__ import annotations

import csv
import hashlib
import inspect
import io
import re
import time
import zipfile
from dataclasses import dataclass, field, fields
from unittest.mock import Mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.words.detect import svg_text, visible_text

__all__ = ["DEMO_CASES", "Document", "Route", "Unfillable", "World", "build_world", "page_routes", "render_all"]

# Cases of the demo cohort built through seed_demo's own builders: enough for every planted data-quality
# problem, every report section and a center's report, and quick (~0.3 s a case on PostgreSQL).
DEMO_CASES = 24
LANGUAGES = ("en", "ru")
ROLES = ("entry", "lead", "coordinator", "manager")

# Addresses nobody reads as a page: JSON, the admin (Django's own, translated by Django), static files, the
# language switch (a POST that redirects).
SKIPPED_PREFIXES = ("/api/", "/admin/", "/static/", "/media/", "/i18n/")
# Signing out would end the session the rest of the walk reads with; it has no page of its own.
SKIPPED_NAMES = {"logout"}
# Downloads of data files for programs and for re-import: their columns and values are codes on purpose.
# Of these, only the sheets and files for people are read: every sheet but the data tables (named as the tables in
# every language: data_sheets()), and the zip's files that give the codes' labels (LABEL_SHEETS).
DATA_ROUTES = {
    "analytics:export_file",
    "registry:records_export",
    "registry:dictionary_download",
    "registry:import_template",
}
# They name each code beside its label, so the raw-code check leaves them out (the others still apply).
LABEL_SHEETS = re.compile(r"label|readme|about|legend|variables|codes", re.I)
# Pages that are the key from codes to labels: the data dictionary, for those who write import files and read
# exports. Left out of the raw-code check only.
CODE_KEY_ROUTES = {"registry:dictionary"}
# Pages and files of the analysis report (the rest are "pages").
REPORT_ROUTES = {
    "analytics:run_detail",
    "analytics:run_report",
    "analytics:artifact_download",
    "analytics:figure_download",
}
# Run files that are data for programs (the dataset CSVs, plan results JSON) or pictures without text (PNG).
MACHINE_ARTIFACTS = {"csv", "json", "png"}


class Unfillable(Exception):
    """A page route has a URL argument this module cannot fill from the demo: give it a filler in `fillings`."""


@dataclass(frozen=True)
class Route:
    template: str  # "/cases/{pk}/{section}/"
    kwargs: tuple[str, ...]
    name: str  # "registry:case_section"

    def url(self, values: dict) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), self.template)


@dataclass
class Document:
    """One thing a person reads: a page, a report file, an e-mail; its text as blocks."""

    area: str  # "pages", "reports", "emails"
    where: str  # the URL (and the sheet or file inside a download), or "e-mail: <subject>"
    lang: str
    chunks: list[str]
    roles: list[str] = field(default_factory=list)
    codes_expected: bool = False  # a key from codes to labels (CODE_KEY_ROUTES, LABEL_SHEETS)

    def label(self) -> str:
        roles = ",".join(self.roles) if self.roles else "-"
        return f"[{self.lang}] {self.where} (role: {roles})"


def page_routes() -> list[Route]:
    """Every URL pattern outside SKIPPED_PREFIXES, in the order of the URLconf."""
    found: list[Route] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            part = str(pattern.pattern)
            route = prefix + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", part.lstrip("^").rstrip("$"))
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route, ":".join(filter(None, [namespace, pattern.namespace])))
            elif isinstance(pattern, URLPattern) and not route.startswith(SKIPPED_PREFIXES):
                name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or route)
                if name not in SKIPPED_NAMES:
                    found.append(Route(route, tuple(re.findall(r"\{(\w+)\}", route)), name))

    walk(get_resolver().url_patterns, "/", "")
    return found


# ------------------------------------------------------------------------------------------------------------------
# The demo registry
# ------------------------------------------------------------------------------------------------------------------


@dataclass
class World:
    users: dict[str, object]  # role -> user
    center: object
    case: object
    runs: dict[str, list]  # lang -> [pooled run, the entry user's center report]
    import_job: object
    token: object
    membership: object
    newcomer: object
    emails: list = field(default_factory=list)  # the e-mails sent while the demo was built (default language)
    seconds: dict[str, float] = field(default_factory=dict)  # how long each step of the build took


def _run_kwargs(lang: str) -> tuple[dict, dict]:
    """How to ask for a report in `lang`, if runs know their language (a settings key or a run_request
    argument); otherwise the run is produced with `lang` active, which is all a worker would know."""
    from analytics.runs.options import RunSettings
    from analytics.runs.services import run_request

    settings_kw = {"language": lang} if "language" in {f.name for f in fields(RunSettings)} else {}
    request_kw = {"language": lang} if "language" in inspect.signature(run_request).parameters else {}
    return settings_kw, request_kw


def _finished_run(user, lang: str, *, plans=()):
    from analytics.runs.models import AnalysisRun
    from analytics.runs.options import RunFilters, RunSettings
    from analytics.runs.services import run_request

    settings_kw, request_kw = _run_kwargs(lang)
    with translation.override(lang), TestCase.captureOnCommitCallbacks(execute=True):
        asked = RunSettings(plans=plans, **settings_kw)
        run = run_request(user=user, filters=RunFilters(), settings=asked, **request_kw)
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.DONE, f"the {lang} run of {user} did not finish: {run.error}"
    return run


def build_world() -> World:
    """The demo (seed_demo's and seed_quality_demo's builders), the shipped plans, an import, an API token, and
    finished runs in each language: a pooled run with every registered plan and a center's own report."""
    from analytics.studies.builtin import install_builtin_plans
    from analytics.studies.selectors import registered_plan_refs
    from quality.management.commands.seed_quality_demo import Command as SeedQualityDemo
    from registry import models as m
    from registry.choices import Role
    from registry.demo.build import Vocabulary
    from registry.demo.import_workbook import cases_rows, write_workbook
    from registry.management.commands.seed_demo import DEFAULT_SEED
    from registry.management.commands.seed_demo import Command as SeedDemo
    from registry.services.imports import import_check
    from registry.services.tokens import token_create

    seconds, started = {}, time.monotonic()

    def lap(step: str) -> None:
        nonlocal started
        seconds[step], started = time.monotonic() - started, time.monotonic()

    mail.outbox = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        SeedDemo(stdout=Mock(), stderr=Mock()).handle(cases=DEMO_CASES, quiet=True)
    with TestCase.captureOnCommitCallbacks(execute=True):
        SeedQualityDemo(stdout=Mock()).handle()
    lap("seed_demo")
    install_builtin_plans()
    emails = list(mail.outbox)

    memberships = m.Membership.objects.select_related("user", "center")
    entry = memberships.filter(role=Role.DATA_ENTRY).order_by("center__code").first()
    lead = memberships.get(role=Role.CENTER_LEAD, center=entry.center) if entry else None
    users = {
        "entry": entry.user,
        "lead": lead.user,
        "coordinator": memberships.filter(role=Role.COORDINATOR).first().user,
        "manager": memberships.filter(role=Role.DATA_MANAGER).first().user,
    }
    center = entry.center
    # The case of the center with the most records: every section of the case pages has rows to show.
    case = m.Case.objects.filter(center=center, archived_at__isnull=True).order_by("-version", "registry_id").first()

    stream = io.BytesIO()
    write_workbook(stream, cases_rows(2, seed=DEFAULT_SEED, induction_days=Vocabulary.load().induction_days))
    with TestCase.captureOnCommitCallbacks(execute=True):
        job = import_check(user=users["entry"], center=center, file_name="center-cases.xlsx", data=stream.getvalue())
    token, _secret = token_create(user=users["entry"], name="Statistics laptop", lifetime_days=30)
    # Invited and not signed in yet: the invitation e-mail goes to such a user.
    newcomer = get_user_model().objects.create_user(username="new.colleague", email="new.colleague@example.org")
    newcomer.set_unusable_password()
    newcomer.save()
    lap("plans, import, token")

    runs = {}
    for lang in LANGUAGES:
        pooled = _finished_run(users["coordinator"], lang, plans=registered_plan_refs())
        lap(f"pooled run {lang}")
        own = _finished_run(users["entry"], lang)
        runs[lang] = [pooled, own]
        lap(f"center run {lang}")
    return World(users, center, case, runs, job, token, entry, newcomer, emails, seconds)


# ------------------------------------------------------------------------------------------------------------------
# Filling URL arguments
# ------------------------------------------------------------------------------------------------------------------


def fillings(route: Route, world: World, lang: str) -> list[dict]:
    """Every filling of the route's URL arguments from the demo (raises Unfillable naming the unknown ones)."""
    from analytics.studies.models import AnalysisPlan
    from quality.models import Finding, Query
    from registry.sections import SECTIONS

    kw = set(route.kwargs)
    app = route.name.split(":")[0]
    runs = world.runs[lang]
    if not kw:
        return [{}]
    if route.name == "analytics:artifact_download":
        return [
            {"pk": run.pk, "artifact_pk": artifact.pk}
            for run in runs
            for artifact in run.source.artifacts.exclude(kind__in=sorted(MACHINE_ARTIFACTS))
        ]
    if route.name == "analytics:figure_download":
        return [
            {"pk": run.pk, "name": artifact.name, "fmt": "svg"}
            for run in runs
            for artifact in run.source.artifacts.filter(kind="svg")
        ]
    if route.name == "analytics:export_file":
        return [{"fmt": "xlsx"}, {"fmt": "zip"}]  # the sheets and files of labels (LABEL_SHEETS)
    if route.name in {"registry:records_export", "registry:import_template"}:
        return [{"fmt": "xlsx"}, {"fmt": "zip"}]  # the zip's label files are read (LABEL_SHEETS)
    if route.name == "registry:dictionary_download":
        return [{"fmt": "xlsx"}]
    if route.name == "registry:case_section":
        return [{"pk": world.case.pk, "section": slug} for slug in SECTIONS]
    if kw == {"pk"} and app == "registry":
        return [{"pk": world.case.pk}]
    if kw == {"pk"} and app == "analytics":
        return [{"pk": run.pk} for run in runs]
    if kw <= {"pk", "number"} and app == "studies":
        plans = AnalysisPlan.objects.order_by("pk")
        if "number" in kw:
            return [{"pk": plan.pk, "number": v.number} for plan in plans[:2] for v in plan.versions.all()]
        return [{"pk": plan.pk} for plan in plans[:3]]
    if kw == {"pk"} and app == "quality":
        if route.name == "quality:finding_query":
            finding = Finding.objects.filter(resolved_at__isnull=True, case__center=world.center).first()
            return [{"pk": finding.pk}] if finding else []
        if route.name in {"quality:query_new", "quality:case_recheck"}:
            return [{"pk": world.case.pk}]
        firsts: dict[str, int] = {}
        for pk, status in Query.objects.order_by("pk").values_list("pk", "status"):
            firsts.setdefault(status, pk)  # one query of each status: open, answered, closed
        return [{"pk": pk} for pk in firsts.values()]
    if kw == {"job_pk"}:
        return [{"job_pk": world.import_job.pk}]
    if kw and kw <= {"user_pk", "membership_pk", "token_id"}:
        values = {"user_pk": world.users["entry"].pk, "membership_pk": world.membership.pk, "token_id": world.token.pk}
        return [{k: values[k] for k in kw}]
    if kw == {"pk"} and app == "accounts":  # a lockout: the demo has none, the page answers 404
        return [{"pk": 0}]
    if kw == {"uidb64", "token"}:
        user = world.users["entry"]
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        return [{"uidb64": uid, "token": default_token_generator.make_token(user)}]
    raise Unfillable(f"{route.template} ({route.name}): no filler for {sorted(kw)}")


# ------------------------------------------------------------------------------------------------------------------
# Reading what came back
# ------------------------------------------------------------------------------------------------------------------


def _pdf_chunks(data: bytes) -> list[str]:
    from pypdf import PdfReader

    chunks = []
    for page in PdfReader(io.BytesIO(data)).pages:
        chunks.extend(line.strip() for line in (page.extract_text() or "").splitlines() if line.strip())
    return chunks


def data_sheets() -> set[str]:
    """The names of the data tables' sheets: the import sheets and the analysis dataset's tables."""
    from analytics.schema import TABLES
    from registry.transfer.sheets import SHEETS

    return {sheet.name for sheet in SHEETS} | set(TABLES)


def _xlsx_sheets(data: bytes) -> dict[str, list[str]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheets = {}
    for sheet in workbook.worksheets:
        cells = [sheet.title]
        for row in sheet.iter_rows(values_only=True):
            cells.extend(str(value) for value in row if value is not None and str(value).strip())
        sheets[sheet.title] = cells
    return sheets


def _zip_label_files(data: bytes) -> dict[str, list[str]]:
    files = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if not LABEL_SHEETS.search(name):
                continue
            text = archive.read(name).decode("utf-8-sig")
            if name.endswith(".csv"):
                files[name] = [cell for row in csv.reader(io.StringIO(text)) for cell in row if cell.strip()]
            elif name.endswith(".txt"):
                files[name] = [line.strip() for line in text.splitlines() if line.strip()]
    return files


def read_response(route: Route, url: str, response, cache: dict | None = None) -> list[tuple[str, list[str]]]:
    """(where, text blocks) of each readable part of a response: a page, a PDF, a workbook's sheets, a figure.
    `cache` keeps what was read by the bytes' digest: the same report file is read once for all roles."""
    content_type = response.get("Content-Type", "").split(";")[0]
    data = response.getvalue() if getattr(response, "streaming", False) else response.content
    filename = re.search(r'filename="?([^";]+)', response.get("Content-Disposition", ""))
    if filename and not url.endswith(filename.group(1)):
        url = f"{url} ({filename.group(1)})"
    if cache is None:
        return _read(route, url, content_type, data)
    key = (route.name, url, content_type, hashlib.sha256(data).hexdigest())
    if key not in cache:
        cache[key] = _read(route, url, content_type, data)
    return cache[key]


def _read(route: Route, url: str, content_type: str, data: bytes) -> list[tuple[str, list[str]]]:
    data_route = route.name in DATA_ROUTES
    if content_type == "text/html":
        return [(url, visible_text(data.decode()))]
    if content_type == "application/pdf":
        return [(url, _pdf_chunks(data))]
    if content_type == "image/svg+xml":
        return [(url, svg_text(data.decode()))]
    if "spreadsheetml" in content_type:
        sheets = _xlsx_sheets(data)
        return [
            (f"{url} sheet {title!r}", cells)
            for title, cells in sheets.items()
            if not data_route or title not in data_sheets()
        ]
    if content_type == "application/zip":
        return [(f"{url} file {name!r}", cells) for name, cells in _zip_label_files(data).items()]
    return []  # CSV data, PNG, JSON: for programs


# ------------------------------------------------------------------------------------------------------------------
# Rendering
# ------------------------------------------------------------------------------------------------------------------


@dataclass
class Rendered:
    documents: list[Document]
    unfillable: list[str]
    statuses: dict[tuple[str, str], int]  # (role, url) -> status
    errors: list[str]  # "role url -> 500" of every page that failed
    seconds: dict[str, float]  # route name -> time spent rendering and reading it


def _client(user, lang: str) -> Client:
    client = Client(raise_request_exception=False)  # a page that fails is listed, and the others still read
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return client


def _emails(world: World, lang: str) -> list:
    """Every e-mail the registry sends, written in `lang`: the query notices (one per message of the demo's
    queries), an invitation, a password reset link and the notice of a replaced authenticator."""
    from quality.models import QueryMessage
    from quality.services.notify import _send as send_query_mail
    from registry.accounts.services import _tell_authenticator_replaced
    from registry.models.preferences import UserPreference
    from registry.services.users import _send_invitation

    events = {"opened": "opened", "answer": "answered", "reopened": "reopened"}
    mail.outbox = []
    # A query notice is written in each recipient's stored language: every user reads `lang` for this pass (the
    # stored preferences are put back after).
    stored = {row.user_id: row.language for row in UserPreference.objects.all()}
    for user in get_user_model().objects.all():
        UserPreference.objects.update_or_create(user=user, defaults={"language": lang})
    try:
        with translation.override(lang):
            for message in QueryMessage.objects.filter(kind__in=list(events)).order_by("pk"):
                send_query_mail(message.query_id, events[message.kind], message.pk)
    finally:
        UserPreference.objects.exclude(user_id__in=list(stored)).delete()
        for user_id, language in stored.items():
            UserPreference.objects.filter(user_id=user_id).update(language=language)
    with translation.override(lang):
        _send_invitation(world.newcomer.pk)
        _tell_authenticator_replaced(world.users["entry"].pk)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    client.post(reverse("password_reset"), {"email": world.users["entry"].email})
    return list(mail.outbox)


def _email_chunks(message) -> list[str]:
    chunks = [message.subject]
    chunks += [line.strip() for line in message.body.splitlines() if line.strip()]
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            chunks += visible_text(content)
    return chunks


def render_all(world: World, lang: str) -> Rendered:
    """Every page for every role, every report file and every e-mail in `lang`. Identical documents seen by
    several roles are kept once, naming the roles."""
    by_content: dict[tuple[str, str], Document] = {}
    unfillable: list[str] = []
    statuses: dict[tuple[str, str], int] = {}
    seconds: dict[str, float] = {}
    cache: dict = {}
    routes = page_routes()
    clients = {role: _client(world.users[role], lang) for role in ROLES}
    for route in routes:
        try:
            values = fillings(route, world, lang)
        except Unfillable as exc:
            unfillable.append(str(exc))
            continue
        area = "reports" if route.name in REPORT_ROUTES else "pages"
        started = time.monotonic()
        for filling in values:
            url = route.url(filling)
            for role in ROLES:
                response = clients[role].get(url, follow=route.name == "password_reset_confirm")
                statuses[(role, url)] = response.status_code
                if response.status_code != 200:
                    continue
                for where, chunks in read_response(route, url, response, cache):
                    digest = hashlib.sha256("\n".join(chunks).encode()).hexdigest()
                    key = route.name in CODE_KEY_ROUTES or route.name in DATA_ROUTES
                    document = by_content.setdefault(
                        (where, digest), Document(area, where, lang, chunks, codes_expected=key)
                    )
                    document.roles.append(role)
        seconds[route.name] = time.monotonic() - started
    documents = list(by_content.values())
    for message in _emails(world, lang):
        where = f"e-mail to {','.join(message.to)}: {message.subject!r}"
        documents.append(Document("emails", where, lang, _email_chunks(message)))
    if lang == "en":
        for message in world.emails:
            documents.append(
                Document("emails", f"e-mail (demo flow) {message.subject!r}", lang, _email_chunks(message))
            )
    errors = [f"{role} {url} -> {status}" for (role, url), status in statuses.items() if status >= 500]
    return Rendered(documents, unfillable, statuses, errors, seconds)
