"""A problem found in an uploaded file, and every message the reader gives. Django only translates them.

Messages are constants (some are templates filled with ``str.format``) so tests and the import page can rely on
them. Each says what is wrong and what to do, in words a clinician who keeps the data in Excel understands.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_noop

__all__ = ["Problem", "shown"]

_SHOWN_LIMIT = 80


@dataclass(frozen=True)
class Problem:
    sheet: str  # the sheet's name ("cases", ...), or "" for the whole file
    row: int | None  # the row number the user sees in the spreadsheet (header = 1), or None
    column: str  # the column's name, or ""
    value: str  # the offending cell as text (see `shown`), or ""
    message: str

    def __post_init__(self):
        # Read in the language active now, and stored as text: a job's problems are JSON.
        object.__setattr__(self, "message", str(self.message))


def shown(value: Any, limit: int = _SHOWN_LIMIT) -> str:
    """A cell as a problem list shows it: text, control characters as visible symbols (NUL as ␀), cut short."""
    if value is None:
        return ""
    text = str(value)
    text = "".join(chr(0x2400 + ord(ch)) if ord(ch) < 0x20 else "\u2421" if ch == "\x7f" else ch for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


# ---- the file -------------------------------------------------------------------------------------------------

UNKNOWN_EXTENSION = gettext_noop(
    "The registry reads an Excel workbook (.xlsx), a CSV file (.csv) named after a sheet, or a .zip of such CSV "
    "files. Save the file in one of these formats and upload it again."
)
OLD_EXCEL = gettext_noop(
    "This is an old-format Excel file (.xls) or a password-protected workbook. Open it in Excel, remove any "
    'password, and save it with "Save As" as "Excel Workbook (.xlsx)".'
)
NOT_WHAT_EXTENSION_SAYS = gettext_noop(
    "The file's name ends in {extension}, but the file holds {content}. Upload the file in the format its name says: "
    "save it again from Excel, or rename it correctly."
)
NOT_A_WORKBOOK = gettext_noop(
    "The file cannot be read as an Excel workbook (it is damaged or not made by a spreadsheet program). Open it in "
    'Excel or LibreOffice and save it again as "Excel Workbook (.xlsx)".'
)
BROKEN_ZIP = gettext_noop(
    "The zip file is damaged or password-protected and cannot be unpacked. Make the zip again, without a password."
)
EMPTY_FILE = gettext_noop("The file has no data: fill in at least one row under the header row of a sheet.")
TOO_LARGE = gettext_noop(
    "The file is larger than {limit_mb} MB, the most the registry takes at once. Split it into several files."
)
TOO_MANY_ROWS = gettext_noop(
    "The file has more than {limit} rows, the most the registry takes at once. Split it into several files; "
    "reading stopped here."
)
ZIP_BOMB = gettext_noop(
    "The file unpacks to far more data than it holds ({reason}). The registry refuses such files: save the workbook "
    "or zip again from a spreadsheet program."
)
NESTED_ARCHIVE = gettext_noop(
    "The zip holds another archive or workbook. Put only the CSV files (cases.csv, diagnosis.csv, ...) in the zip."
)
XML_BOMB = gettext_noop(
    "The workbook contains XML definitions (DTD entities) that the registry refuses to read for safety. Open it "
    'in Excel or LibreOffice and save it again as "Excel Workbook (.xlsx)".'
)
WRONG_ENCODING = gettext_noop(
    "The file is not saved as UTF-8 text (it looks like {encoding}), so letters outside English would be garbled. "
    'In Excel choose "Save As" and the type "CSV UTF-8 (Comma delimited) (*.csv)"; in LibreOffice choose the '
    'character set "Unicode (UTF-8)".'
)
WRONG_DELIMITER = gettext_noop(
    "The columns are separated by {separator}, not commas. Save the file with commas: in Excel choose "
    '"CSV UTF-8 (Comma delimited)"; in LibreOffice choose the field delimiter ",".'
)
BROKEN_CSV = gettext_noop(
    "The CSV file cannot be read past this row ({reason}). Save it again from a spreadsheet program."
)

# ---- sheets and columns ---------------------------------------------------------------------------------------

UNKNOWN_SHEET = gettext_noop("The registry has no sheet called this{suggestion}. Sheets are named: {names}.")
DUPLICATE_SHEET = gettext_noop(
    "This sheet appears twice in the file (under two names). Keep its rows on one sheet only."
)
UNKNOWN_COLUMN = gettext_noop("The registry has no column called this{suggestion}. Rename the column or remove it.")
HOSPITAL_NUMBER_ELSEWHERE = gettext_noop(
    "The hospital number belongs on the cases sheet only. Remove this column here; rows are joined to their "
    "case by the case number."
)
DUPLICATE_COLUMN = gettext_noop("This column appears more than once in the header row. Keep one column of this name.")
MISSING_COLUMN = gettext_noop("This sheet needs a column named {name} ({label}). Add it to the header row.")
UNNAMED_COLUMN = gettext_noop(
    "A column has data but no name in the header row. Give it its name from the template, or remove it."
)

# ---- cells ------------------------------------------------------------------------------------------------------

FORMULA_CELL = gettext_noop(
    "Cell {coordinate} holds a formula. The registry takes values, not formulas: copy the column and paste it back "
    'with "Paste Special > Values".'
)
CELL_ERROR = gettext_noop("The cell shows a spreadsheet error ({error}). Correct it or leave the cell empty.")
NUL_CHARACTER = gettext_noop("The cell contains an invisible NUL character (shown as ␀). Retype the cell.")
TOO_LONG = gettext_noop("Too long: at most {limit} characters are kept here, and this has {length}. Shorten it.")
DATE_IN_TEXT_COLUMN = gettext_noop(
    "The spreadsheet turned this value into a date. Format the column as Text and type the value again."
)

NOT_A_DATE = gettext_noop(
    "Not a date the registry can read. Write dates as YYYY-MM-DD (for example 2019-03-02), with a day that "
    "exists in that month; leave the cell empty if the date is not known."
)
AMBIGUOUS_DATE = gettext_noop(
    "Day and month could be either way round: this may be {first} or {second}. Write dates as YYYY-MM-DD; the "
    "registry never guesses the order of day and month."
)
NOT_ISO_DATE = gettext_noop(
    "Write dates as YYYY-MM-DD, here {iso}. The registry never guesses the order of day and month, even when only "
    "one reading is possible."
)
TWO_DIGIT_YEAR = gettext_noop("Give the year with four digits, and the date as YYYY-MM-DD (for example 2019-03-02).")
PARTIAL_DATE = gettext_noop(
    "Only part of a date (a year, or a month and year). The registry needs the full date as YYYY-MM-DD; it cannot "
    "yet take a date known only to the month. Give the exact date from the records, or leave the cell empty."
)
DATE_WITH_TIME = gettext_noop("The cell holds a time of day as well as a date. Give the date only, as YYYY-MM-DD.")

NOT_A_NUMBER = gettext_noop(
    "Not a number. Give a number only (for example 12.5), without units or signs such as < or >; leave the cell "
    "empty if not recorded."
)
DECIMAL_COMMA = gettext_noop(
    "Write numbers with a decimal point and no thousands separator (12.5, 1234), not with a comma: the registry "
    "never guesses whether a comma separates decimals or thousands."
)
NOT_AN_INTEGER = gettext_noop("Give a whole number here (for example 12), with no decimals.")
OUT_OF_RANGE = gettext_noop("Outside the plausible range: give a value {range}. Check the number and its unit.")

NOT_YES_NO = gettext_noop("Write yes or no (true/false and 1/0 are read too). An empty cell means {empty}.")
NOT_A_CODE = gettext_noop("Not one of the allowed codes. Use one of: {codes}.")
