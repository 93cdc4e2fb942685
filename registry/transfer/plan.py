"""What an import file would do to the registry, row by row, and every problem that stops it.

The file's rows are grouped into cases (by the center's case number, or the registry ID), matched to the stored
cases and records, and turned into the records they would save. Each new or changed record is checked as a form
save is: its fields' own checks, a retired vocabulary entry, the version it was exported at, a locked case, and
then the entry rules of the whole case with every proposed record applied together (``registry.validation``).
Nothing here writes; ``registry.services.imports`` writes a plan with no problems.

Matching, so that a corrected file updates the same records and never duplicates them:
- a case: by registry ID when the row gives one, else by the case number, among this center's live cases;
- one record per case (diagnosis, treatment; a lab panel per time point): the case's;
- numbered records: by the record number when given, else by the sheet's natural key (e.g. an event's kind and
  date), else new. A row equal to its stored record is unchanged and needs no version.
A case new to this registry keeps the registry ID, record numbers and versions its file gives (a file exported
from another registry imports as it was), so an export, imported into an empty registry, exports the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils.translation import gettext, gettext_noop

from registry import models as m
from registry.access import access_for
from registry.clock import center_today
from registry.pseudonyms import hospital_number_hash, normalize_hospital_number
from registry.services.audit import changes_since
from registry.services.cases import CENTER_NOT_YOURS, REGISTERED_AT_CENTER
from registry.services.records import RETIRED_CHOICE
from registry.transfer.files import ReadResult, Row
from registry.transfer.problems import Problem
from registry.transfer.sheets import SHEETS, Kind, Sheet, vocabulary_code
from registry.validation import CaseState, violations

__all__ = ["CasePlan", "ImportPlan", "RowChange", "plan_import", "stored_case_ids"]

CASE_NUMBER_MISSING = gettext_noop("Give the center's case number: every row is joined to its case by it.")
OTHER_CENTER = gettext_noop(
    "This row names center '{code}', but the file is imported into {center}. Import each center's rows on their own."
)
NOT_THIS_CENTERS_CASE = gettext_noop(
    "Registry ID {registry_id} is not a case of this center. Leave the registry ID empty for a new case."
)
REGISTRY_ID_CONFLICT = gettext_noop(
    "Registry ID {registry_id} and case number {number} name two different cases of this center."
)
REGISTRY_ID_DIFFERS = gettext_noop("The rows of case {number} give different registry IDs ({ids}).")
REGISTRY_ID_FORM = gettext_noop("A registry ID has letters, digits and dashes only (e.g. ILR-7K2M9QXA).")
NEW_CASE_NEEDS_NUMBER = gettext_noop(
    "A new case needs the center's case number: later files are joined to the case by it."
)
CHILD_WITHOUT_CASE = gettext_noop(
    "There is no case {number} at this center and the cases sheet has no row for it: add the case to the cases "
    "sheet, or correct the case number."
)
CASE_ROW_TWICE = gettext_noop("Case {number} has another row on this sheet (row {other}): keep one row per case.")
RECORD_TWICE = gettext_noop("Row {other} of this sheet is the same record of case {number}: keep one row per record.")
NO_SUCH_RECORD = gettext_noop(
    "Case {number} has no record {record} on this sheet (it may have been archived): leave the record number "
    "empty for a new record."
)
HOSPITAL_NUMBER_NEEDED = gettext_noop("A new case needs the hospital number (only its keyed hash is stored).")
HOSPITAL_NUMBER_NO_CHARACTERS = gettext_noop("This hospital number has no letters or digits: type the number itself.")
HOSPITAL_NUMBER_KEY_FORM = gettext_noop("A hospital number key is the 64-character hexadecimal key an export gives.")
HOSPITAL_NUMBER_MISMATCH = gettext_noop("This hospital number is not the one registered for case {number}.")
HOSPITAL_NUMBER_TWICE = gettext_noop("Row {other} registers the same hospital number: a child is registered once.")
NOT_IN_VOCABULARY = gettext_noop(
    "'{value}' is not in the registry's list for {label}. The allowed codes are in the data dictionary."
)
VERSION_NEEDED = gettext_noop(
    "This row changes {what} of case {number}, so it must give the version it was exported at (the version "
    "column). Export the case, make the change in that file and import it."
)
STALE = gettext_noop(
    "{what} of case {number} was changed in the registry after this file was exported ({who}, {when}): the file "
    "has version {file}, the registry version {now}. Nothing was imported. Export the case again and reapply "
    "your change."
)
CASE_LOCKED = gettext_noop("Case {number} is locked (signed off): ask a center lead to unlock it before changing it.")
REQUIRED = gettext_noop("Give the {label}: this column cannot be empty.")
ONE_RECORD_VERSIONS = gettext_noop("A new record cannot give a version unless its case is new to this registry.")

_REGISTRY_ID = re.compile(r"^[A-Za-z0-9-]{1,20}$")
_HEX_KEY = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class RowChange:
    sheet: Sheet
    row: Row
    instance: object  # the record as it would be saved
    current: object | None  # the stored record; None for a new one
    action: str  # "new", "changed" or "unchanged"


@dataclass
class CasePlan:
    number: str  # the center's case number ("" for a case named by its registry ID alone)
    case: m.Case
    is_new: bool
    label: str = ""  # how messages name the case
    case_row: Row | None = None
    changes: list[RowChange] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.is_new or any(c.action != "unchanged" for c in self.changes)


@dataclass
class ImportPlan:
    center: m.Center
    cases: list[CasePlan]
    problems: list[Problem]

    def counts(self) -> dict:
        """Cases new, changed and unchanged; per sheet, rows new, changed and unchanged."""
        sheets: dict[str, dict[str, int]] = {s.name: {"new": 0, "changed": 0, "unchanged": 0} for s in SHEETS}
        for plan in self.cases:
            for change in plan.changes:
                sheets[change.sheet.name][change.action] += 1
        cases = {
            "new": sum(1 for p in self.cases if p.is_new),
            "changed": sum(1 for p in self.cases if not p.is_new and p.changed),
            "unchanged": sum(1 for p in self.cases if not p.changed),
        }
        return {"cases": cases, "sheets": {k: v for k, v in sheets.items() if any(v.values())}}


# ---- the rows of one case ---------------------------------------------------------------------------------------


_BY_ID = "\x00id:"  # the group key of rows naming their case by registry ID only (no case number can hold it)


@dataclass
class _CaseRows:
    number: str
    label: str = ""  # how messages name the case: its case number, else its registry ID
    registry_ids: dict[str, Row] = field(default_factory=dict)
    case_row: Row | None = None
    rows: list[tuple[Sheet, Row]] = field(default_factory=list)


class _Problems(list):
    def add(self, sheet: Sheet | str, row: Row | None, column: str, message: str, value="") -> None:
        name = sheet if isinstance(sheet, str) else sheet.name
        text = "" if value is None else str(value)
        self.append(Problem(name, row.number if row else None, column, text[:80], message))


def _group(read: ReadResult, center: m.Center, problems: _Problems) -> dict[str, _CaseRows]:
    grouped: dict[str, _CaseRows] = {}
    for sheet in SHEETS:
        for row in read.rows.get(sheet.name, ()):
            code = row.values.get("center")
            if code and str(code).strip().lower() != center.code.lower():
                problems.add(sheet, row, "center", gettext(OTHER_CENTER).format(code=code, center=center.code), code)
                continue
            number = str(row.values.get("case_number") or "").strip()
            registry_id = str(row.values.get("registry_id") or "").strip().upper()
            if "case_number" in row.present and "case_number" not in row.values:
                continue  # its cell was refused already
            if registry_id and not _REGISTRY_ID.match(registry_id):
                problems.add(sheet, row, "registry_id", gettext(REGISTRY_ID_FORM), registry_id)
                continue
            if not number and not registry_id:
                problems.add(sheet, row, "case_number", gettext(CASE_NUMBER_MISSING))
                continue
            # A case registered without a case number is named by its registry ID alone.
            key = number or f"{_BY_ID}{registry_id}"
            entry = grouped.setdefault(key, _CaseRows(number, label=number or registry_id))
            if registry_id:
                entry.registry_ids.setdefault(registry_id, row)
            if sheet.shape == "case":
                if entry.case_row is not None:
                    problems.add(
                        sheet,
                        row,
                        "case_number",
                        gettext(CASE_ROW_TWICE).format(number=entry.label, other=entry.case_row.number),
                        number,
                    )
                    continue
                entry.case_row = row
            else:
                entry.rows.append((sheet, row))
    return grouped


# ---- matching cases ---------------------------------------------------------------------------------------------


def _match_cases(grouped: dict[str, _CaseRows], center: m.Center, problems: _Problems) -> dict[str, m.Case | None]:
    """Each case number -> its stored case at this center, or None for a new case (problems for conflicts)."""
    numbers = [entry.number for entry in grouped.values() if entry.number]
    by_number = {
        c.center_case_number: c
        for c in m.Case.objects.filter(center=center, archived_at__isnull=True, center_case_number__in=numbers)
    }
    ids = {rid for entry in grouped.values() for rid in entry.registry_ids}
    by_id = {c.registry_id: c for c in m.Case.objects.filter(registry_id__in=ids)} if ids else {}
    matched: dict[str, m.Case | None] = {}
    cases_sheet = SHEETS[0]
    for number, entry in grouped.items():
        if len(entry.registry_ids) > 1:
            first = next(iter(entry.registry_ids.values()))
            sheet = cases_sheet if first is entry.case_row else _sheet_of(entry, first)
            problems.add(
                sheet,
                first,
                "registry_id",
                gettext(REGISTRY_ID_DIFFERS).format(number=entry.label, ids=", ".join(sorted(entry.registry_ids))),
            )
            continue
        case = by_number.get(entry.number) if entry.number else None
        if entry.registry_ids:
            registry_id, row = next(iter(entry.registry_ids.items()))
            sheet = cases_sheet if row is entry.case_row else _sheet_of(entry, row)
            named = by_id.get(registry_id)
            if named is not None and (named.center_id != center.pk or named.is_archived):
                # The same answer whether the ID is another center's or an archived case's.
                problems.add(
                    sheet,
                    row,
                    "registry_id",
                    gettext(NOT_THIS_CENTERS_CASE).format(registry_id=registry_id),
                    registry_id,
                )
                continue
            if named is not None and case is not None and named.pk != case.pk:
                problems.add(
                    sheet,
                    row,
                    "registry_id",
                    gettext(REGISTRY_ID_CONFLICT).format(registry_id=registry_id, number=entry.label),
                    registry_id,
                )
                continue
            case = named or case
        matched[number] = case
    return matched


def _sheet_of(entry: _CaseRows, row: Row) -> Sheet:
    return next(sheet for sheet, r in entry.rows if r is row)


# ---- building records -------------------------------------------------------------------------------------------


class _Vocabularies:
    """Every vocabulary entry by its code, loaded once (retired entries too: a stored record may keep one)."""

    def __init__(self):
        self._by_model: dict[type, dict[str, object]] = {}

    def lookup(self, model, code: str):
        if model not in self._by_model:
            entries = model._default_manager.all()
            self._by_model[model] = {vocabulary_code(e).lower(): e for e in entries}
        return self._by_model[model].get(str(code).strip().lower())


def _copy(record):
    """An unsaved-looking copy of a stored record, sharing nothing with it (caches included)."""
    model = type(record)
    clone = model(**{f.attname: getattr(record, f.attname) for f in model._meta.concrete_fields})
    clone._state.adding = False
    clone._state.db = record._state.db
    for f in model._meta.concrete_fields:
        if f.is_relation and f.is_cached(record):
            f.set_cached_value(clone, f.get_cached_value(record))
    return clone


def _apply(instance, sheet: Sheet, row: Row, vocab: _Vocabularies, problems: _Problems) -> bool:
    """Set the row's field values on `instance`; False when a value is not in its vocabulary."""
    ok = True
    for column in sheet.field_columns:
        if column.name not in row.present or column.name not in row.values:
            continue  # an absent column keeps the stored value; a refused cell is a problem already
        value = row.values[column.name]
        if column.kind == Kind.VOCABULARY:
            entry = None
            if value not in (None, ""):
                entry = vocab.lookup(column.vocabulary, value)
                if entry is None:
                    problems.add(
                        sheet,
                        row,
                        column.name,
                        gettext(NOT_IN_VOCABULARY).format(value=value, label=column.label),
                        value,
                    )
                    ok = False
                    continue
            setattr(instance, column.name, entry)
        elif column.kind == Kind.TEXT or (column.kind == Kind.CODE and value is None):
            setattr(instance, column.name, "" if value is None else value)
        else:
            setattr(instance, column.name, value)
    return ok


def _differs(instance, current, sheet: Sheet) -> bool:
    if sheet.shape == "case" and instance.center_case_number != current.center_case_number:
        return True
    return any(getattr(instance, c.attname) != getattr(current, c.attname) for c in sheet.field_columns)


def _describe(sheet: Sheet, current) -> str:
    number = getattr(current, "number", None)
    if sheet.shape == "case":
        return "The case"
    return f"{sheet.title} record {number}" if number else sheet.title


def _check_version(sheet, row, plan: CasePlan, current, problems: _Problems) -> bool:
    version = row.values.get("version")
    what = _describe(sheet, current)
    if version is None:
        problems.add(
            sheet, row, "version", gettext(VERSION_NEEDED).format(what=what[:1].lower() + what[1:], number=plan.label)
        )
        return False
    if version != current.version:
        _changes, who, when = changes_since(current, version)
        problems.add(
            sheet,
            row,
            "version",
            gettext(STALE).format(
                what=what,
                number=plan.label,
                who=who,
                when=when.date() if when else "unknown date",
                file=version,
                now=current.version,
            ),
            version,
        )
        return False
    return True


def _field_problems(exc: ValidationError, sheet: Sheet, row: Row, problems: _Problems) -> None:
    for name, messages in exc.message_dict.items():
        column = "" if name == NON_FIELD_ERRORS else ("case_number" if name == "center_case_number" else name)
        for message in messages:
            problems.add(sheet, row, column, message, row.values.get(column, "") if column else "")


def _retired(instance, current, sheet: Sheet) -> dict[str, str]:
    found = {}
    for column in sheet.field_columns:
        if column.kind != Kind.VOCABULARY:
            continue
        entry = getattr(instance, column.name)
        if entry is None or not hasattr(entry, "active") or entry.active:
            continue
        if current is not None and getattr(current, column.attname) == entry.pk:
            continue
        found[column.name] = gettext(RETIRED_CHOICE).format(entry=entry)
    return found


@dataclass
class _Context:
    user: object
    center: m.Center
    today: date
    vocab: _Vocabularies
    problems: _Problems
    hashes: dict[str, tuple[Sheet, Row]] = field(default_factory=dict)


def _plan_case(entry: _CaseRows, case: m.Case | None, state: CaseState | None, ctx: _Context) -> CasePlan | None:
    problems = ctx.problems
    before = len(problems)
    cases_sheet = SHEETS[0]
    if case is None:
        if entry.case_row is None:
            for sheet, row in entry.rows:
                problems.add(
                    sheet, row, "case_number", gettext(CHILD_WITHOUT_CASE).format(number=entry.label), entry.label
                )
            return None
        case = m.Case(center=ctx.center, center_case_number=entry.number, created_by=ctx.user)
        case.registry_id = next(iter(entry.registry_ids), "")
        plan = CasePlan(entry.number, case, is_new=True, label=entry.label, case_row=entry.case_row)
        if not entry.number:
            problems.add(cases_sheet, entry.case_row, "case_number", gettext(NEW_CASE_NEEDS_NUMBER))
        state = CaseState(case=case, today=ctx.today)
        _new_case_hash(case, entry.case_row, ctx)
        if entry.case_row.values.get("version"):
            case.version = entry.case_row.values["version"]
    else:
        plan = CasePlan(entry.number, case, is_new=False, label=entry.label, case_row=entry.case_row)
        state = state or CaseState(case=case)
        state = CaseState(**{**state.__dict__, "today": ctx.today})

    rows = ([(cases_sheet, entry.case_row)] if entry.case_row is not None else []) + entry.rows
    taken: dict[tuple, Row] = {}
    for sheet, row in rows:
        change = _row_change(sheet, row, plan, state, taken, ctx)
        if change is not None:
            plan.changes.append(change)
    if len(problems) > before:
        return plan  # the rules of the whole case are checked once each record is right on its own
    state = state.with_records(c.instance for c in plan.changes if c.action != "unchanged")

    for violation in violations(state):
        for record, field_name in violation.targets:
            change = next((c for c in plan.changes if c.instance is record and c.action != "unchanged"), None)
            if change is not None:
                column = "case_number" if field_name == "center_case_number" else field_name
                problems.add(change.sheet, change.row, column, violation.message, change.row.values.get(column, ""))
                break
    return plan


def _new_case_hash(case: m.Case, row: Row, ctx: _Context) -> None:
    sheet = SHEETS[0]
    number, key = row.values.get("hospital_number"), row.values.get("hospital_number_key")
    if number:
        if not normalize_hospital_number(str(number)):
            ctx.problems.add(sheet, row, "hospital_number", gettext(HOSPITAL_NUMBER_NO_CHARACTERS))
            return
        case.hospital_number_hash = hospital_number_hash(str(number))
    elif key:
        if not _HEX_KEY.match(str(key)):
            ctx.problems.add(sheet, row, "hospital_number_key", gettext(HOSPITAL_NUMBER_KEY_FORM), key)
            return
        case.hospital_number_hash = str(key)
    else:
        ctx.problems.add(sheet, row, "hospital_number", gettext(HOSPITAL_NUMBER_NEEDED))
        return
    earlier = ctx.hashes.get(case.hospital_number_hash)
    if earlier is not None:
        ctx.problems.add(sheet, row, "hospital_number", gettext(HOSPITAL_NUMBER_TWICE).format(other=earlier[1].number))
    ctx.hashes[case.hospital_number_hash] = (sheet, row)


def _stored_record(sheet: Sheet, row: Row, plan: CasePlan, state: CaseState, ctx: _Context):
    """The stored record a row is about, None for a new one, or False when the row names a record that is not."""
    model = sheet.model
    if sheet.shape == "case":
        return None if plan.is_new else plan.case
    if plan.is_new:
        return None  # nothing of a new case is stored; its state holds only the file's records
    records = [r for r in state.records() if type(r) is model and r.pk is not None]
    if sheet.shape == "one":
        if sheet.one_per:
            wanted = row.values.get(sheet.one_per)
            return next((r for r in records if getattr(r, sheet.one_per) == wanted), None)
        return records[0] if records else None
    number = row.values.get("record")
    if number is not None:
        if plan.is_new:
            return None
        found = next((r for r in records if r.number == number), None)
        if found is None:
            ctx.problems.add(
                sheet, row, "record", gettext(NO_SUCH_RECORD).format(number=plan.label, record=number), number
            )
            return False
        return found
    return next((r for r in records if _natural_key_matches(sheet, row, r, ctx)), None)


def _natural_key_matches(sheet: Sheet, row: Row, record, ctx: _Context) -> bool:
    for name in sheet.natural_key:
        column = sheet.column(name)
        value = row.values.get(name)
        stored = getattr(record, column.attname)
        if column.kind == Kind.VOCABULARY:
            entry = ctx.vocab.lookup(column.vocabulary, value) if value not in (None, "") else None
            value = entry.pk if entry is not None else None
        elif column.kind in (Kind.TEXT, Kind.CODE) and value is None:
            value = ""
        if value != stored:
            return False
    return True


def _identity(sheet: Sheet, row: Row, current) -> tuple:
    if current is not None:
        return (sheet.name, "pk", current.pk)
    if sheet.shape == "one":
        return (sheet.name, "one", row.values.get(sheet.one_per) if sheet.one_per else None)
    if row.values.get("record") is not None:
        return (sheet.name, "record", row.values["record"])
    return (sheet.name, "key", tuple(str(row.values.get(n)) for n in sheet.natural_key))


def _row_change(sheet, row, plan: CasePlan, state: CaseState, taken: dict, ctx: _Context) -> RowChange | None:
    problems = ctx.problems
    current = _stored_record(sheet, row, plan, state, ctx)
    if current is False:
        return None
    identity = _identity(sheet, row, current)
    if identity in taken:
        problems.add(sheet, row, "", gettext(RECORD_TWICE).format(other=taken[identity].number, number=plan.label))
        return None
    taken[identity] = row
    if sheet.shape == "case":
        instance = plan.case if current is None else _copy(current)
        if plan.number:  # a row naming its case by registry ID alone keeps the case's number
            instance.center_case_number = plan.number
        if current is not None:
            _check_hospital_number(row, plan, ctx)
    elif current is None:
        instance = sheet.model(case=plan.case)
        if sheet.shape == "many" and plan.is_new:
            instance.number = row.values.get("record")
        if row.values.get("version"):
            if not plan.is_new:
                problems.add(sheet, row, "version", gettext(ONE_RECORD_VERSIONS), row.values["version"])
                return None
            instance.version = row.values["version"]
    else:
        instance = _copy(current)
    if not _apply(instance, sheet, row, ctx.vocab, problems):
        return None
    if current is None:
        action = "new"
    elif not _differs(instance, current, sheet):
        return RowChange(sheet, row, current, current, "unchanged")
    else:
        action = "changed"
        if not _check_version(sheet, row, plan, current, problems):
            return None
    if plan.case.is_locked:
        problems.add(sheet, row, "", gettext(CASE_LOCKED).format(number=plan.label))
        return None
    if row.deferred:  # a value outside its plausible range cannot be saved; unchanged, it was never refused
        for column, message in row.deferred.items():
            problems.add(sheet, row, column, message, row.values.get(column, ""))
        return None
    missing = [
        c for c in sheet.field_columns if c.kind == Kind.VOCABULARY and c.required and not getattr(instance, c.attname)
    ]
    for column in missing:
        problems.add(sheet, row, column.name, gettext(REQUIRED).format(label=column.label))
    try:
        # Foreign keys were resolved from the vocabularies above (a query each, otherwise); uniqueness is the
        # plan's own matching.
        instance.full_clean(exclude=_FOREIGN_KEYS[sheet.model], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        _field_problems(exc, sheet, row, problems)
        return None
    if missing:
        return None
    for column, message in _retired(instance, current, sheet).items():
        problems.add(sheet, row, column, message, row.values.get(column, ""))
        return None
    return RowChange(sheet, row, instance, current, action)


def _check_hospital_number(row: Row, plan: CasePlan, ctx: _Context) -> None:
    number, key = row.values.get("hospital_number"), row.values.get("hospital_number_key")
    given = hospital_number_hash(str(number)) if number else (str(key) if key else None)
    if given is not None and given != plan.case.hospital_number_hash:
        column = "hospital_number" if number else "hospital_number_key"
        ctx.problems.add(SHEETS[0], row, column, gettext(HOSPITAL_NUMBER_MISMATCH).format(number=plan.label))


# ---- the whole file ---------------------------------------------------------------------------------------------


def _registered_elsewhere(plans: list[CasePlan], center: m.Center, problems: _Problems) -> None:
    """A new case whose hospital number or registry ID is already a live case of this registry."""
    new = [p for p in plans if p.is_new]
    hashes = {p.case.hospital_number_hash for p in new if p.case.hospital_number_hash}
    stored = {
        c.hospital_number_hash: c
        for c in m.Case.objects.filter(center=center, archived_at__isnull=True, hospital_number_hash__in=hashes)
    }
    for plan in new:
        existing = stored.get(plan.case.hospital_number_hash)
        if existing is not None:
            message = gettext(REGISTERED_AT_CENTER).format(registry_id=existing.registry_id)
            problems.add(SHEETS[0], plan.case_row, "hospital_number", message)


def stored_case_ids(center: m.Center, read: ReadResult) -> list[int]:
    """The stored cases of `center` the file's rows name (the ones its plan would change): what a commit locks
    before it plans. Reads only; problems are left to the plan."""
    problems = _Problems()
    matched = _match_cases(_group(read, center, problems), center, problems)
    return [case.pk for case in matched.values() if case is not None]


def plan_import(user, center: m.Center, read: ReadResult) -> ImportPlan:
    """Every change the file would make to `center`'s cases, and every problem (``Problem``) that stops it.

    Raises PermissionDenied when the user cannot enter data for the center. Reads only.
    """
    if not access_for(user).can_write_center(center.pk):
        raise PermissionDenied(gettext(CENTER_NOT_YOURS))
    problems = _Problems(read.problems)
    grouped = _group(read, center, problems)
    matched = _match_cases(grouped, center, problems)
    states = CaseState.load_many([c for c in matched.values() if c is not None])
    ctx = _Context(user=user, center=center, today=center_today(center), vocab=_Vocabularies(), problems=problems)
    plans = []
    for number, case in matched.items():
        plan = _plan_case(grouped[number], case, states.get(case.pk) if case is not None else None, ctx)
        if plan is not None:
            plans.append(plan)
    _registered_elsewhere(plans, center, problems)
    problems.sort(key=lambda p: (_SHEET_ORDER.get(p.sheet, -1), p.row or 0))
    return ImportPlan(center=center, cases=plans, problems=list(problems))


_SHEET_ORDER = {sheet.name: index for index, sheet in enumerate(SHEETS)}
_FOREIGN_KEYS = {s.model: [f.name for f in s.model._meta.concrete_fields if f.is_relation] for s in SHEETS}
