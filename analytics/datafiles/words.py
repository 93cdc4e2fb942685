"""The dataset files' own words (sheet names, headings, type words, the README, the script's comments), in English.

No Django here: each is marked with ``gettext_noop`` for the catalog, and a caller that wants the reader's
language passes ``translate`` (``analytics.exports`` passes Django's gettext). Without it the files are English.
Column names, codes and the CSV data stay as they are in every language: a program reads them.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = [
    "ABOUT",
    "ABOUT_SHEET",
    "BOOLEAN_WORDS",
    "CODES_HEADINGS",
    "CODES_SHEET",
    "FILE_LABEL",
    "KIND_WORDS",
    "README_PARTS",
    "SCRIPT_COMMENTS",
    "VARIABLES_HEADINGS",
    "VARIABLES_SHEET",
    "Translate",
    "english",
    "gettext_noop",
]

Translate = Callable[[str], str]


def gettext_noop(message: str) -> str:
    """Mark ``message`` for the translation catalog; return it as it is."""
    return message


def english(message: str) -> str:
    return message


# "About" means something else elsewhere in the registry: the caller translates it in its sense here.
ABOUT_SHEET = "About"
VARIABLES_SHEET = gettext_noop("Variables")
CODES_SHEET = gettext_noop("Codes")

# The About sheet's (and README's and the script header's) keys, in order.
ABOUT = {
    "dataset": gettext_noop("Dataset"),
    "title": gettext_noop("Pseudonymized analysis dataset"),
    "exported_by": gettext_noop("Exported by"),
    "exported_at": gettext_noop("Exported at"),
    "data_cut": gettext_noop("Data cut"),
    "filters": gettext_noop("Filters"),
    "cases": gettext_noop("Cases"),
    "conventions": gettext_noop("Conventions"),
}
FILE_LABEL = gettext_noop("Registry analysis dataset: cases")

# The conventions, one sentence each (a table's name starts its item, so a reader sees which file it means).
README_PARTS = (
    gettext_noop("Pseudonymized analysis dataset of the registry."),
    gettext_noop(
        "cases: one row per case; findings: one row per cytogenetic finding; adverse_events: one row per adverse "
        "event; assessments: one row per response assessment; case_key joins them."
    ),
    gettext_noop("No calendar dates (the diagnosis year only): ages and times are in days."),
    gettext_noop("CSV: codes as codes, booleans TRUE/FALSE, missing cells empty."),
    gettext_noop(
        "SPSS and Stata (cases table): coded columns are numbers 1..n with value labels, booleans 0 No / 1 Yes."
    ),
    gettext_noop("Text a spreadsheet would run as a formula starts with ' (read_dataset.R removes it)."),
    gettext_noop("variables.csv and codes.csv are the data dictionary of these files."),
)

# The headings of the Variables and Codes sheets (and of variables.csv and codes.csv), by column.
VARIABLES_HEADINGS = {
    "table": gettext_noop("table"),
    "variable": gettext_noop("variable"),
    "label": gettext_noop("label"),
    "type": gettext_noop("type"),
    "unit": gettext_noop("unit"),
    "codes": gettext_noop("codes"),
    "description": gettext_noop("description"),
}
CODES_HEADINGS = {
    "table": VARIABLES_HEADINGS["table"],
    "variable": VARIABLES_HEADINGS["variable"],
    "value": gettext_noop("value"),
    "code": gettext_noop("code"),
    "label": VARIABLES_HEADINGS["label"],
}

# A column's type as the dictionary writes it.
KIND_WORDS = {
    "boolean": gettext_noop("boolean"),
    "code": gettext_noop("code"),
    "integer": gettext_noop("integer"),
    "number": gettext_noop("number"),
    "text": gettext_noop("text"),
}
BOOLEAN_WORDS = (gettext_noop("No"), gettext_noop("Yes"))

SCRIPT_COMMENTS = (
    gettext_noop("Reads the registry's pseudonymized analysis dataset with base R only."),
    gettext_noop(
        "Coded columns become factors (levels in the data dictionary's order, labelled); TRUE/FALSE columns "
        'logicals; every column carries its label in attr(x, "label"). Empty cells are NA.'
    ),
)
