"""The poster (``cufmap affiche``): PDF on A4 and A3 landscape, PNG at 300 dpi, drawn offline
from the one payload; the title, the dates and every dated host are in the file as text; the
same data gives the same bytes; bad data gets a French message and no file."""

import copy
import csv
import io
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner
from PIL import Image

from cufmap import cli
from cufmap.publish import export, poster

from .conftest import DATA, ROOT

PLACES = ROOT / "data" / "lieux.csv"


@pytest.fixture(scope="module")
def payload():
    return export.build(DATA, PLACES).payload


def affiche(*args, env=None):
    """``cufmap affiche …`` in this process (the command's own code; no interpreter to start)."""
    return CliRunner().invoke(cli.main, ["affiche", *map(str, args)], env=env)


def dated_hosts() -> set[str]:
    with DATA.open(encoding="utf-8") as fh:
        return {row["collectivite"] for row in csv.DictReader(fh) if row["date_debut"]}


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def page_size_mm(path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    w, h = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    return round(w * 25.4 / 72), round(h * 25.4 / 72)


def test_the_pdf_poster_names_every_dated_host_on_a4_landscape_the_same_twice(tmp_path,
                                                                               payload):
    out = tmp_path / "affiche.pdf"
    result = affiche("--format", "pdf", "--papier", "A4", "--sortie", out)
    assert result.exit_code == 0, result.output
    assert "affiche A4" in result.stdout
    assert page_size_mm(out) == (297, 210)
    text = pdf_text(out)
    assert poster.TITLE in text
    assert "Du 1er avril au 2 juillet 2025" in text
    for host in dated_hosts():
        assert host in text, host
    assert "Mardi 1er avril 2025" in text and "Samedi 31 mai 2025" in text  # French dates
    assert "Martinique" in text and "La Réunion" in text  # the insets
    assert "Yangpyeong (Corée du Sud)" in text  # the partner off the map, at its edge
    assert "Contours : Natural Earth (domaine public)" in text
    # Drawn again from the same data (its own payload, built anew): the same bytes.
    assert poster.render(payload, "pdf", "A4") == out.read_bytes()


def test_the_png_poster_is_300_dpi_at_the_paper_s_size(tmp_path):
    out = tmp_path / "affiche.png"
    result = affiche("--format", "png", "--sortie", out)
    assert result.exit_code == 0, result.output
    assert "affiche A4 à l'italienne, PNG à 300 dpi" in result.stdout
    with Image.open(out) as image:
        assert image.size == (3508, 2480)  # A4 landscape at 300 dpi
        assert min(image.info["dpi"]) >= 299.5


def test_an_a3_poster_and_a_small_png_come_out_the_same_twice(payload):
    a3 = poster.render(payload, "png", "A3", dpi=40)
    assert Image.open(io.BytesIO(a3)).size == (661, 468)  # 420 x 297 mm at 40 dpi
    assert poster.render(payload, "png", "A3", dpi=40) == a3


def test_text_from_the_data_is_drawn_as_text_even_with_dollars(tmp_path, payload):
    data = copy.deepcopy(payload)
    data["features"][0]["properties"]["host"] = "Ville de $x^2$ et\nde $\\alpha$"
    # 300 stages: more than the list can hold, it says how many more.
    data["features"] = [dict(f, id=f"{f['id']}-{i}") for i in range(15)
                        for f in data["features"]]
    out = tmp_path / "a3.pdf"
    out.write_bytes(poster.render(data, "pdf", "A3"))
    assert page_size_mm(out) == (420, 297)
    text = " ".join(pdf_text(out).split())
    assert "Ville de $x^2$ et de $\\alpha$" in text  # not mathtext (x², α)
    assert "x²" not in text and "α" not in text
    more = re.search(r"… et (\d+) autres étapes", text)
    assert more and 0 < int(more.group(1)) < 300
    assert "300 étapes, dont 75 à date à venir" in text


def test_bad_data_gets_a_french_message_and_no_poster(tmp_path):
    bad = tmp_path / "relais.csv"
    rows = DATA.read_text(encoding="utf-8").splitlines()
    rows[1] = rows[1].replace("2025-04-03", "31/02/2025", 1)
    bad.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "affiche.pdf"
    result = affiche("--sortie", out, env={"CUFMAP_DATA": str(bad)})
    assert result.exit_code == 1
    assert "affiche refusée, rien n'a été écrit" in result.stderr
    assert "ERREUR — Ligne" in result.stderr
    assert not out.exists()
    result = affiche("--sortie", tmp_path / "absent" / "affiche.pdf")
    assert result.exit_code == 2
    assert "Affiche impossible : le dossier" in result.stderr and "n'existe pas" in result.stderr


def test_matplotlib_is_imported_only_when_a_poster_is_drawn():
    code = ("import sys, cufmap.cli, cufmap.publish.poster; "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout
    assert out.strip() == "False"
