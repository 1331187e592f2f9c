"""Hostile files for the hardening tests: zip bomb and shared-strings bomb workbooks, a sparse
workbook, an oversized CSV."""

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


_MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _workbook_with(sheet: bytes, shared: bytes | None = None) -> bytes:
    """openpyxl's workbook parts with ``sheet`` as the first sheet's XML and, if given,
    ``shared`` as its shared strings (declared in the content types and relationships)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(HEADER)
    buf = io.BytesIO()
    book.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for info in src.infolist():
            part = src.read(info)
            if info.filename == _SHEET:
                part = sheet
            elif shared is not None and info.filename == "[Content_Types].xml":
                part = part.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" '
                                    b'ContentType="application/vnd.openxmlformats-officedocument'
                                    b'.spreadsheetml.sharedStrings+xml"/></Types>')
            elif shared is not None and info.filename == "xl/_rels/workbook.xml.rels":
                part = part.replace(b"</Relationships>", b'<Relationship Id="rIdS" Type="http://'
                                    b'schemas.openxmlformats.org/officeDocument/2006/relationships'
                                    b'/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
            z.writestr(info.filename, part)
        if shared is not None:
            z.writestr("xl/sharedStrings.xml", shared)
    return out.getvalue()


def shared_strings_bomb_xlsx(megabytes: int = 15, rows: int = 2000, cells: int = 4) -> bytes:
    """One shared string of ``megabytes`` MB named by every cell of ``rows`` rows (the outside
    tester's file): under 50 KB zipped, under 16 MB once unzipped, and a copy of the string
    per cell for a reader that builds the sheet (calamine: 120 GB asked, then abort)."""
    shared = (b'<?xml version="1.0" encoding="UTF-8"?><sst ' + _MAIN + b' count="1" '
              b'uniqueCount="1"><si><t>' + b"x" * (megabytes * 2**20) + b"</t></si></sst>")
    sheet = [b'<?xml version="1.0" encoding="UTF-8"?><worksheet ' + _MAIN + b"><sheetData>"]
    for r in range(1, rows + 1):
        sheet.append(b'<row r="%d">' % r + b"".join(
            b'<c r="%s%d" t="s"><v>0</v></c>' % (bytes([65 + c]), r) for c in range(cells))
            + b"</row>")
    sheet.append(b"</sheetData></worksheet>")
    return _workbook_with(b"".join(sheet), shared)


def sparse_xlsx(last: str = "XFD1048576") -> bytes:
    """A header at A1 and one number at ``last``: a few KB, and a dense grid of every cell in
    between for a reader that builds the sheet (17 billion cells at XFD1048576)."""
    return _workbook_with(
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet ' + _MAIN + b'><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row>'
        b'<row r="%s"><c r="%s"><v>1</v></c></row>' % (last.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
                                                       .encode(), last.encode())
        + b"</sheetData></worksheet>")
