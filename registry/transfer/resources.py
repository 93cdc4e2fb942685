"""django-import-export resources of the import workbook, one per sheet, generated from ``SHEETS``.

Each resource's fields are the sheet's columns, named as the sheet names them, and export the sheet's cell
conventions (``format_cell``; the hospital number empty, its key the stored hash). Their widgets read the same
conventions back, so django-import-export's own row-by-row ``import_data`` works on a sheet (the benchmark's
reference path). The registry's import does not save through them: it validates whole cases with the entry rules
and saves through the services.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from import_export import fields, resources, widgets

from registry import models as m
from registry.pseudonyms import hospital_number_hash, new_registry_id
from registry.transfer.sheets import (
    BOOLEAN_FALSE,
    BOOLEAN_TRUE,
    SHEETS,
    Column,
    Kind,
    Role,
    Sheet,
    format_cell,
    vocabulary_code,
)

__all__ = ["VocabularyWidget", "YesNoWidget", "resource_for", "resources_by_sheet"]


class YesNoWidget(widgets.BooleanWidget):
    """yes / no cells (and the usual true/false, 1/0)."""

    TRUE_VALUES = [BOOLEAN_TRUE, "Yes", "YES", *widgets.BooleanWidget.TRUE_VALUES]
    FALSE_VALUES = [BOOLEAN_FALSE, "No", "NO", *widgets.BooleanWidget.FALSE_VALUES]

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else (BOOLEAN_TRUE if value else BOOLEAN_FALSE)


class VocabularyWidget(widgets.ForeignKeyWidget):
    """A vocabulary entry by its code; a protocol by "name version" (its vocabulary_code)."""

    def __init__(self, model):
        super().__init__(model, "code")

    def get_lookup_kwargs(self, value, row, **kwargs):
        if self.model is m.Protocol:
            text = str(value).strip()
            for protocol in m.Protocol.objects.all():
                if protocol.code == text:
                    return {"pk": protocol.pk}
            return {"pk": None}
        return {"code": str(value).strip()}

    def render(self, value, obj=None, **kwargs):
        return vocabulary_code(value)


def _widget(column: Column) -> widgets.Widget:
    if column.kind == Kind.VOCABULARY:
        return VocabularyWidget(column.vocabulary)
    if column.kind == Kind.BOOLEAN:
        return YesNoWidget()
    if column.kind == Kind.DATE:
        return widgets.DateWidget(format="%Y-%m-%d")
    if column.kind == Kind.INTEGER:
        return widgets.IntegerWidget()
    if column.kind == Kind.DECIMAL:
        return widgets.FloatWidget()
    return widgets.CharWidget(allow_blank=True)


def _field_value(column: Column):
    def dehydrate(record) -> Any:
        return format_cell(column, getattr(record, column.name))

    return dehydrate


def _case_of(record) -> m.Case:
    return record if isinstance(record, m.Case) else record.case


# Key columns: the model attribute a column reads and sets, on the cases sheet and on the others.
_CASE_KEYS = {"center": "center", "case_number": "center_case_number", "registry_id": "registry_id"}
_CHILD_KEYS = {"center": "case__center__code", "case_number": "case__center_case_number", "registry_id": "case"}


def _key_field(sheet: Sheet, column: Column) -> fields.Field:
    is_case = sheet.model is m.Case
    name = column.name
    if name in ("center", "case_number", "registry_id"):
        attribute = (_CASE_KEYS if is_case else _CHILD_KEYS)[name]
        widget: widgets.Widget = widgets.CharWidget(allow_blank=True)
        if is_case and name == "center":
            widget = widgets.ForeignKeyWidget(m.Center, "code")
        elif not is_case and name == "registry_id":
            widget = widgets.ForeignKeyWidget(m.Case, "registry_id")
        readonly = not is_case and name != "registry_id"  # a child row names its case by registry ID
        getters = {
            "center": lambda r: _case_of(r).center.code,
            "case_number": lambda r: _case_of(r).center_case_number or None,
            "registry_id": lambda r: _case_of(r).registry_id,
        }
        return fields.Field(attribute, name, widget, readonly=readonly, dehydrate_method=getters[name])
    if name == "record":
        return fields.Field("number", name, widgets.IntegerWidget(), dehydrate_method=lambda r: r.number)
    # version: exported so that an edit can say which version it changes; never set from a file.
    return fields.Field("version", name, widgets.IntegerWidget(), readonly=True, dehydrate_method=lambda r: r.version)


def _hospital_field(column: Column) -> fields.Field:
    if column.name == "hospital_number_key":
        return fields.Field(
            "hospital_number_hash",
            column.name,
            widgets.CharWidget(allow_blank=True),
            dehydrate_method=lambda case: case.hospital_number_hash,
        )
    # Given to register a case, hashed, never stored or exported.
    return fields.Field(None, column.name, widgets.CharWidget(allow_blank=True), dehydrate_method=lambda case: None)


def _field(sheet: Sheet, column: Column) -> fields.Field:
    if column.role == Role.KEY:
        return _key_field(sheet, column)
    if column.role == Role.HOSPITAL_NUMBER:
        return _hospital_field(column)
    # A vocabulary field's attribute is the relation itself (the widget looks the entry up by its code).
    return fields.Field(column.name, column.name, _widget(column), dehydrate_method=_field_value(column))


def _import_id_fields(sheet: Sheet) -> tuple[str, ...]:
    if sheet.model is m.Case:
        return ("center", "case_number")
    if sheet.shape == "many":
        return ("registry_id", "record")
    if sheet.one_per:
        return ("registry_id", sheet.one_per)
    return ("registry_id",)


class SheetResource(resources.ModelResource):
    """Base of the generated resources: a new case gets a registry ID and its hospital number's hash."""

    sheet: Sheet

    def before_save_instance(self, instance, row, **kwargs):
        if isinstance(instance, m.Case):
            if not instance.registry_id:
                instance.registry_id = new_registry_id()
            number = row.get("hospital_number") if row is not None else None
            if number and not instance.hospital_number_hash:
                instance.hospital_number_hash = hospital_number_hash(str(number))


@cache
def resource_for(sheet: Sheet) -> type[SheetResource]:
    """The ModelResource class of one sheet: its fields are the sheet's columns, in order."""
    attrs: dict[str, Any] = {column.name: _field(sheet, column) for column in sheet.columns}
    names = tuple(column.name for column in sheet.columns)
    attrs["Meta"] = type(
        "Meta",
        (),
        {
            "model": sheet.model,
            "fields": names,
            "export_order": names,
            "import_id_fields": _import_id_fields(sheet),
            "skip_unchanged": True,
            "clean_model_instances": False,
        },
    )
    attrs["sheet"] = sheet
    return type(f"{sheet.model.__name__}SheetResource", (SheetResource,), attrs)


def resources_by_sheet() -> dict[str, type[SheetResource]]:
    return {sheet.name: resource_for(sheet) for sheet in SHEETS}
