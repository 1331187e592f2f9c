"""Hostile files for the hardening tests: a zip bomb workbook and an oversized CSV."""

import io
import zipfile

HEADER = ["id", "date_debut", "collectivite", "titre"]
_SHEET = "xl/worksheets/sheet1.xml"


def zip_bomb_xlsx(rows: int = 300_000, cells: int = 12) -> bytes:
    """A real workbook (openpyxl's parts) whose first sheet is ``rows`` identical rows: about
    1 MB on disk, about 200 MB of sheet XML once unzipped."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(HEADER)
    buf = io.BytesIO()
    book.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for info in src.infolist():
            if info.filename != _SHEET:
                z.writestr(info, src.read(info))
                continue
            with z.open(_SHEET, "w", force_zip64=True) as f:
                f.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://'
                        b'schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row>')
                f.write(b"".join(b'<c t="inlineStr"><is><t>%s</t></is></c>' % h.encode()
                                 for h in HEADER) + b"</row>")
                row = b"<row>" + b'<c t="inlineStr"><is><t>Ville de Suippes</t></is></c>' \
                    * cells + b"</row>"
                block = row * 1000
                for _ in range(rows // 1000):
                    f.write(block)
                f.write(b"</sheetData></worksheet>")
    return out.getvalue()


def big_csv(rows: int = 100_000) -> bytes:
    """A well-formed relay CSV of ``rows`` valid stages (about 5 MB is the upload limit)."""
    lines = [";".join(HEADER)]
    lines += [f"e{i};01/04/2025;Ville de Suippes;Étape {i}" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def lying_zip_bomb_xlsx(rows: int = 30_000, declared: int = 1_000_000) -> bytes:
    """:func:`zip_bomb_xlsx` whose sheet claims, in its local header and in the central
    directory, to unzip to ``declared`` bytes only."""
    import struct

    bomb = zipfile.ZipFile(io.BytesIO(zip_bomb_xlsx(rows=rows)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for info in bomb.infolist():  # rewritten without zip64 fields: 4-byte sizes
            z.writestr(info.filename, bomb.read(info.filename))
    data = bytearray(out.getvalue())
    sheet = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(_SHEET)
    data[sheet.header_offset + 22:sheet.header_offset + 26] = struct.pack("<I", declared)
    pos = 0
    while True:  # the sheet's central directory entry
        pos = data.index(b"PK\x01\x02", pos)
        length = struct.unpack("<H", data[pos + 28:pos + 30])[0]
        if bytes(data[pos + 46:pos + 46 + length]) == _SHEET.encode():
            data[pos + 24:pos + 28] = struct.pack("<I", declared)
            return bytes(data)
        pos += 4
