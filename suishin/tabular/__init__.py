"""Tables users exchange as Excel or CSV files: declared once, exported, templated, imported and checked.

- `columns.py`: column types (text, integer, fiscal year, date, choice, lookups such as departments by
  name or code), each reading one cell and naming its problems.
- `tables.py`: `Table`, the declaration (columns in order, which identify a row, a title row, custom
  column groups), and the engine: `table_workbook` / `table_xlsx_bytes` / `table_csv_bytes` (export and
  template), `parse_table` (every row, every problem by row and column).
- `uploads.py`: the one way an uploaded file is opened (container checks, CSV decoding) and
  `xlsx_reader.py`, the streaming reader whose module docstring says why it exists.
- `jobs.py`: an import run as a background job.

The app that owns the data declares its table (e.g. `plans/spreadsheets.py`, `tenants/department_import.py`)
and applies a problem-free import with one service call in one transaction.
"""
