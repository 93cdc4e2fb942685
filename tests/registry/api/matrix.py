"""The API's routes, found by walking the URL resolver, and the objects that fill their kwargs.

The cross-cutting API tests (access matrix, query counts, schemathesis) are generic over these routes, so that a
route added later is covered without editing them. A route whose kwargs cannot be filled here fails those tests
by name: add its kwarg to `fill_kwargs` (and to OBJECT_KWARGS) rather than to an allow-list.
"""

from __future__ import annotations

import itertools
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import IntegerField
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from registry import models as m
from registry.api.versions import etag
from tests.factories import save

__all__ = [
    "KINDS",
    "KNOWN_KWARGS",
    "METHODS",
    "OBJECT_KWARGS",
    "OPEN_KWARGS",
    "PREFIX",
    "Route",
    "Unfillable",
    "World",
    "api_routes",
    "attempts",
    "db_state",
    "fill_kwargs",
    "media_root_fixture",
    "no_throttle_state_fixture",
    "world_fixture",
]

PREFIX = "/api/v1/"
METHODS = ("get", "post", "put", "patch", "delete")

# The case record kinds of /cases/{registry_id}/records/{kind}/, as the URL names them.
KINDS: dict[str, type] = {
    "diagnosis": m.Diagnosis,
    "lab-panels": m.LabPanel,
    "markers": m.MarkerFinding,
    "findings": m.CytogeneticFinding,
    "treatment": m.Treatment,
    "assessments": m.ResponseAssessment,
    "transplants": m.Transplant,
    "supportive-care": m.SupportiveCare,
    "events": m.OutcomeEvent,
    "adverse-events": m.AdverseEvent,
    "follow-ups": m.FollowUp,
}

# Kwargs that name an object someone may or may not reach (the URL conventions of the API).
OBJECT_KWARGS = frozenset(
    {
        "registry_id",
        "kind",
        "record_id",
        "query_id",
        "finding_id",
        "import_id",
        "plan_id",
        "number",
        "run_id",
        "artifact_id",
        "plan_version_id",
    }
)
# Kwargs of reference data every signed-in user reads: a route with only these is "open" (no object to guard).
OPEN_KWARGS = frozenset({"vocabulary"})
KNOWN_KWARGS = OBJECT_KWARGS | OPEN_KWARGS
# Values tried for {vocabulary}: the vocabulary tables under the names an API would give them.
VOCABULARY_NAMES = ("genes", "abnormalities", "markers", "adverse-event-types", "protocols", "risk-rule-sets")

# The models whose rows and history rows must not change after a refused request (audit.AccessEvent is left out:
# logging a refused request is what it is for).
STATE_APPS = ("registry", "quality", "analytics", "studies")


@dataclass(frozen=True)
class Route:
    """One API URL pattern: its template (`/api/v1/cases/{registry_id}/`), kwargs, name and allowed methods."""

    template: str
    kwargs: tuple[str, ...]
    name: str
    methods: tuple[str, ...]
    view: type | None
    plain: bool = True  # False for a regex pattern, which this module cannot fill

    def __str__(self) -> str:
        return self.template

    @property
    def is_open(self) -> bool:
        """No object to guard: /me/, the schema and its pages, reference data, and lists."""
        return set(self.kwargs) <= OPEN_KWARGS

    def url(self, values: dict) -> str:
        return re.sub(r"\{(\w+)\}", lambda match: str(values[match.group(1)]), self.template)


def _methods(callback) -> tuple[str, ...]:
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view is None:
        return ("get",)
    return tuple(method for method in METHODS if hasattr(view, method))


def api_routes(patterns=None) -> list[Route]:
    """Every URL pattern under /api/v1/, in the order of the URLconf (`patterns`: the root URLconf's by default)."""
    found: list[Route] = []

    def walk(patterns, prefix: str, namespace: str, plain: bool) -> None:
        for pattern in patterns:
            part = str(pattern.pattern)
            is_plain = plain and (isinstance(pattern.pattern, RoutePattern) or not part.strip("^$"))
            route = prefix + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", part.lstrip("^").rstrip("$"))
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route, ":".join(filter(None, [namespace, pattern.namespace])), is_plain)
            elif isinstance(pattern, URLPattern) and route.startswith(PREFIX):
                kwargs = tuple(re.findall(r"\{(\w+)\}", route))
                if not isinstance(pattern.pattern, RoutePattern):
                    kwargs = tuple(pattern.pattern.regex.groupindex) or kwargs
                name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or route)
                view = getattr(pattern.callback, "view_class", None) or getattr(pattern.callback, "cls", None)
                found.append(Route(route, kwargs, name, _methods(pattern.callback), view, is_plain))

    walk(get_resolver().url_patterns if patterns is None else patterns, "/", "", True)
    return found


# ------------------------------------------------------------------------------------------------------------------
# The objects: center B's, and the analysis objects a center's user must not reach
# ------------------------------------------------------------------------------------------------------------------


class Unfillable(Exception):
    """A route has a kwarg this module cannot fill: give it a fixture here."""


@dataclass
class World:
    case: m.Case
    records: dict[str, object]  # kind -> one live record of the case
    query: object
    finding: object
    import_job: m.ImportJob
    run: object
    artifact: object
    plan_version: object
    pooled_run: object  # finished, with the plan version's results (for /runs/{run_id}/plans/{plan_version_id}/)

    def ids(self) -> dict[str, object]:
        """The value of every object kwarg but kind and record_id (which go together)."""
        return {
            "registry_id": self.case.registry_id,
            "query_id": self.query.pk,
            "finding_id": self.finding.pk,
            "import_id": self.import_job.pk,
            "plan_id": self.plan_version.plan_id,
            "number": self.plan_version.number,
            "plan_version_id": self.plan_version.pk,
            "run_id": self.run.pk,
            "artifact_id": self.artifact.pk,
        }

    def version_of(self, values: dict) -> int:
        """The version a write to this URL would name in If-Match (the record's, else the case's)."""
        if "kind" in values and "record_id" in values:
            return self.records[values["kind"]].version
        return self.case.version


def fill_kwargs(route: Route, w: World) -> list[dict]:
    """Every filling of the route's kwargs with the world's objects (one per record kind where there is a kind).
    Raises Unfillable naming the kwargs it does not know."""
    unknown = set(route.kwargs) - KNOWN_KWARGS
    if unknown or not route.plain:
        raise Unfillable(f"{route.template} ({route.name}): no fixture for {sorted(unknown) or 'a regex pattern'}")
    base = w.ids()
    if "plan_version_id" in route.kwargs:
        base["run_id"] = w.pooled_run.pk
    axes = []
    if "kind" in route.kwargs:
        axes.append([{"kind": kind, "record_id": record.pk} for kind, record in w.records.items()])
    elif "record_id" in route.kwargs:
        axes.append([{"record_id": record.pk} for record in w.records.values()])
    if "vocabulary" in route.kwargs:
        axes.append([{"vocabulary": name} for name in VOCABULARY_NAMES])
    fillings = []
    for combination in itertools.product(*axes):
        values = dict(base)
        for part in combination:
            values.update(part)
        fillings.append({k: values[k] for k in route.kwargs})
    return fillings


def attempts(route: Route, values: dict, w: World | None = None):
    """(method, kwargs for the client call) for every method the view allows: a bare request, and for a write a
    tempting one (a plausible body, the object's current version in If-Match, an Idempotency-Key)."""
    version = w.version_of(values) if w is not None else 1
    body = {"reason": "matrix test", "text": "matrix test", "subject": "matrix test", "sex": "F", "note": "x"}
    for method in route.methods:
        yield method, {}
        if method != "get":
            headers = {"HTTP_IF_MATCH": etag(version), "HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
            yield method, {"data": body, "format": "json", **headers}


def _state_models():
    for label in STATE_APPS:
        yield from apps.get_app_config(label).get_models()


def db_state() -> dict[str, int | str | None]:
    """Row counts (history tables included) and, where a model has them, the sum of versions and the latest
    `updated_at`, of every model of the registry, quality and analytics apps: one query."""
    columns, names = [], []
    quote = connection.ops.quote_name
    for model in _state_models():
        table = quote(model._meta.db_table)
        concrete = {f.name: f for f in model._meta.concrete_fields}
        fields = {name: f.column for name, f in concrete.items()}
        integer_version = isinstance(concrete.get("version"), IntegerField)  # a protocol's version is text
        columns.append(f"(SELECT COUNT(*) FROM {table})")
        names.append(f"{model._meta.label} rows")
        if integer_version:
            columns.append(f"(SELECT SUM({quote(fields['version'])}) FROM {table})")
            names.append(f"{model._meta.label} versions")
        for stamp in ("updated_at", "archived_at", "status", "locked_at", "revoked_at", "resolved_at"):
            if stamp in fields:
                columns.append(f"(SELECT MAX({quote(fields[stamp])}) FROM {table})")
                names.append(f"{model._meta.label} {stamp}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns))
        row = cursor.fetchone()
    return {
        name: (str(value) if value is not None and not isinstance(value, int) else value)
        for name, value in zip(names, row, strict=True)
    }


def _complete(user, case: m.Case) -> None:
    """Add the record kinds make_full_case leaves out (a transplant and supportive care)."""
    dx = case.diagnosis.diagnosis_date
    save(
        user,
        case,
        m.Transplant(case=case, transplant_date=dx + timedelta(days=200), transplant_type="unrelated", remission="CR1"),
        m.SupportiveCare(case=case, kind="antifungal", phase="induction", start_date=dx + timedelta(days=5)),
    )


def small_plan_spec(name: str):
    from analytics.plans.spec import Analysis, Group, Outcome, PlanSpec, Variable
    from analytics.runs.options import RunFilters

    return PlanSpec(
        name=name,
        question="Does the risk class predict EFS?",
        filters=RunFilters(lineages=("ALL",)),
        conditions=(),
        analyses=(
            Analysis(
                key="efs-risk",
                title="EFS by risk class",
                outcome=Outcome("efs"),
                method="km",
                exposure=Variable.of("risk_class"),
                groups=(Group("favorable", ("favorable",)), Group("unfavorable", ("unfavorable",))),
                times=(730.0,),
            ),
        ),
    )


def make_world(people, center, case, owner) -> World:
    """One case of `center` (entered by `owner`) made complete, with a query, a finding, an import job, the
    center's report run with a file, and a plan whose version the run executed."""
    from analytics.runs.models import RunArtifact
    from analytics.runs.options import RunFilters, RunSettings
    from analytics.runs.services import run_request
    from analytics.studies.services import plan_create
    from quality.models import Finding
    from quality.services.queries import query_open
    from registry.services.imports import import_check

    _complete(owner, case)
    records = {}
    for kind, model in KINDS.items():
        records[kind] = model.objects.filter(case=case).order_by("pk").first()
    case.refresh_from_db()
    query = query_open(user=people.manager, case=case, subject="Check the WBC", text="Is 350 right?")
    now = case.updated_at
    finding = Finding.objects.create(
        case=case,
        rule_id="DQ-TEST-001",
        severity="warning",
        stage="diagnosis",
        record_model="registry.labpanel",
        record_pk=records["lab-panels"].pk,
        field="wbc",
        message=f"WBC of {case.registry_id} looks high",
        first_seen=now,
        last_seen=now,
    )
    job = import_check(
        user=owner, center=center, file_name="follow_ups.csv", data=b"case_number,contact_date\nX,2021\n"
    )
    run = run_request(user=owner, filters=RunFilters(), settings=RunSettings())
    artifact = RunArtifact.objects.create(
        run=run, kind="csv", name="dataset", file=ContentFile(b"case_key\nx\n", name="dataset.csv"), sha256="0" * 64
    )
    version = plan_create(user=people.manager, spec=small_plan_spec(f"Plan of {case.registry_id}"))
    return World(case, records, query, finding, job, run, artifact, version, _pooled_run(people, version))


def _pooled_run(people, version):
    """A finished pooled run that executed the plan version, as the workers leave one: the plan's JSON document
    among its files and its results kept per plan version. Built directly: running the analyses takes seconds."""
    from analytics.runs.models import AnalysisRun, RunArtifact, RunPlan
    from analytics.runs.reporting import plan_file_name
    from analytics.studies.selectors import plan_ref

    ref = plan_ref(version)
    run = AnalysisRun.objects.create(
        trigger=AnalysisRun.Trigger.USER,
        requested_by=people.coordinator,
        settings={"plans": [ref]},
        status=AnalysisRun.Status.RUNNING,
    )
    document = b'{"plan": "x", "analyses": []}'
    RunArtifact.objects.create(
        run=run, kind="json", name=plan_file_name(ref), file=ContentFile(document, name="plan.json"), sha256="0" * 64
    )
    RunPlan.objects.create(run=run, version=version, spec=version.spec, results={"analyses": []})
    AnalysisRun.objects.filter(pk=run.pk).update(status=AnalysisRun.Status.DONE, n_cases=2)
    run.refresh_from_db()
    return run


@pytest.fixture(name="world")
def world_fixture(people, center_b, case_a, case_b, media_root) -> World:
    """Center B's case with one record of every kind, a query and a finding on it, an import job by entry_b,
    center B's report run with a file, and an analysis plan (which no center user reaches)."""
    return make_world(people, center_b, case_b, people.entry_b)


@pytest.fixture(name="media_root")
def media_root_fixture(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(name="no_throttle_state")
def no_throttle_state_fixture():
    """Throttle counters live in the (locmem) cache across tests: start each test with none."""
    from django.core.cache import cache

    cache.clear()
