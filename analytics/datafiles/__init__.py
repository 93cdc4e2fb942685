"""The analysis dataset as files: CSV, XLSX, SPSS, Stata, an R script, and a zip of the CSV files with the
script and the dictionary. No Django: ``analytics.exports`` builds the dataset and hands the tables here.

Conventions (shared by every format):

- ``cases`` has one row per case; ``findings`` one per cytogenetic finding; ``adverse_events`` one per adverse
  event; ``assessments`` one per response assessment. ``case_key`` (the pseudonymous registry ID) joins them.
- No calendar dates: the diagnosis year is the only calendar value; ages and times are days from birth or from
  diagnosis. No date of birth, hospital number or free-text note is in any file.
- CSV: UTF-8, comma-separated, CRLF rows; coded columns hold the codes, booleans TRUE/FALSE, missing cells empty.
- SPSS and Stata: coded columns are numbers 1..n in the dictionary's order with value labels; booleans 0 No /
  1 Yes; missing values system-missing. Variable labels are cut to the format's limit (Stata 80 characters).
- Text that a spreadsheet would run as a formula starts with a ``'`` in every format; the R script removes it.
- The files' own words (sheet names, headings, type words, the README, yes/no labels, the script's comments) are
  in ``words``, English; the caller's ``translate`` gives them in the reader's language. Names and codes stay.
"""

from __future__ import annotations

from .bundle import FORMATS, about_rows, dataset_files
from .plan import TABLES, Column, Table, plan_table

__all__ = ["FORMATS", "TABLES", "Column", "Table", "about_rows", "dataset_files", "plan_table"]
