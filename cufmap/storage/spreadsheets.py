"""The relay as spreadsheets: the canonical CSV the storage keeps, and the downloads staff open
in Excel or LibreOffice (CSV for Excel FR, XLSX workbook), where no cell can become a formula.
"""

from __future__ import annotations

import contextlib
import csv
import io

import pandas as pd

from cufmap.relay import schema, validation
from cufmap.text import FORMULA_START

#: Display formats of typed cells: day first whatever the spreadsheet's language.
XLSX_DATE, XLSX_TIME = "DD/MM/YYYY", "HH:MM"


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """Canonical form: UTF-8, comma, ISO dates, schema columns first, unknown columns kept."""
    frame = validation.normalise(frame)
    columns = [*schema.NAMES, *[c for c in frame.columns if c not in schema.BY_NAME]]
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for record in frame.reindex(columns=columns).fillna("").itertuples(index=False):
        writer.writerow(["" if v is None else str(v) for v in record])
    return buf.getvalue().encode("utf-8")



def neutralise(value: str) -> str:
    """Prefix a spreadsheet formula sign so Excel shows the text instead of running it."""
    return "'" + value if value.startswith(FORMULA_START) else value



def _spreadsheet_frame(frame: pd.DataFrame, neutralise=neutralise) -> pd.DataFrame:
    """Values for spreadsheets: French dates and numbers; text cells passed through
    ``neutralise`` (a visible apostrophe before a formula sign, for CSV)."""
    out = validation.normalise(frame)
    for col in out.columns:
        column = schema.BY_NAME.get(col)
        kind = column.kind if column else "text"
        if kind == "date":
            out[col] = [validation.parse_date(v).strftime("%d/%m/%Y") if _is_date(v) else
                        neutralise(v) for v in out[col]]
        elif kind == "number":
            out[col] = [v.replace(".", ",") if _is_number(v) else neutralise(v) for v in out[col]]
        else:
            out[col] = [neutralise(str(v)) for v in out[col]]
    return out



def _is_date(value: str) -> bool:
    return bool(value) and validation.date_or_none(value) is not None



def _is_number(value: str) -> bool:
    return validation.number_or_none(value) is not None



def spreadsheet_titles(columns) -> list[str]:
    """Column titles for people: the guide's French titles (« Date de début »), an unknown
    column's own header. Reading accepts these titles as well as the codes."""
    return [schema.BY_NAME[c].label if c in schema.BY_NAME else c for c in columns]



def to_excel_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV that Excel FR opens as it is: UTF-8 with BOM, « ; », French column titles,
    JJ/MM/AAAA, formulas defused."""
    out = _spreadsheet_frame(frame)
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(spreadsheet_titles(out.columns))
    writer.writerows(out.astype(str).values.tolist())
    return ("\ufeff" + buf.getvalue()).encode("utf-8")



def _xlsx_value(kind: str, value: str):
    """(cell value, number format): a real date, time or number where the text reads as
    one, else the text itself (format None)."""
    if value:
        if kind == "date" and (date := validation.date_or_none(value)):
            return date, XLSX_DATE
        if kind == "time":
            with contextlib.suppress(ValueError):
                return validation.parse_time(value), XLSX_TIME
        if kind == "number" and (number := validation.number_or_none(value)) is not None:
            return number, "General"
    return value, None



def to_xlsx_bytes(frame: pd.DataFrame) -> bytes:
    """The workbook staff open in Excel or LibreOffice: French column titles, real date and
    time cells shown day first (JJ/MM/AAAA, HH:MM) so they sort and filter as dates, numbers
    as numbers, columns as wide as their content, the title row frozen with filters. Every
    other cell is text, never a formula (a formula sign keeps Excel's quotePrefix)."""
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    out = validation.normalise(frame)
    columns = list(out.columns)
    kinds = [schema.BY_NAME[c].kind if c in schema.BY_NAME else "text" for c in columns]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "relais"
    titles = spreadsheet_titles(columns)
    sheet.append(titles)
    widths = [len(t) for t in titles]
    for values in out.astype(str).values.tolist():
        row = []
        for i, (kind, value) in enumerate(zip(kinds, values)):
            value, number_format = _xlsx_value(kind, value)
            if number_format is None:
                value = ILLEGAL_CHARACTERS_RE.sub("", value)  # XLSX cannot hold them
            shown = {XLSX_DATE: 10, XLSX_TIME: 5}.get(number_format) or max(
                (len(line) for line in str(value).splitlines()), default=0)
            widths[i] = max(widths[i], shown)
            row.append((value, number_format))
        sheet.append([v for v, _ in row])
        for cell, (value, number_format) in zip(sheet[sheet.max_row], row):
            if number_format:
                cell.number_format = number_format
            else:
                cell.data_type = "s"  # never a formula, whatever the text
                # and still text once edited in Excel, with no apostrophe shown (quotePrefix)
                if isinstance(value, str) and value.startswith(FORMULA_START):
                    cell.quotePrefix = True
    for cell in sheet[1]:
        cell.data_type, cell.font = "s", Font(bold=True)
    for i, width in enumerate(widths, start=1):  # characters of the default font, bounded
        sheet.column_dimensions[get_column_letter(i)].width = min(max(width, 6), 60) + 2
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
