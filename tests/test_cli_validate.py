"""`cufmap validate`: exit 0/1/2, French messages, never a traceback, never a write."""

import hashlib
import os
import random
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cufmap.errors import UnreadableTable
from cufmap.relay import reading

from .conftest import DATA, ROOT, run_cli


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_shipped_data_is_valid():
    result = run_cli("validate")
    assert result.returncode == 0, result.stderr
    assert "data/relais.csv : valide — 20 étape(s)" in result.stdout


def test_errors_exit_1_with_row_column_value_and_fix(tmp_path):
    path = tmp_path / "relais.csv"
    text = DATA.read_text(encoding="utf-8").replace(",2025-05-31,", ",31/02/2025,")
    text = text.replace("Sabiñánigo (Espagne)", "Sabiñánigo")
    path.write_text(text, encoding="utf-8")
    before = _digest(path)
    result = run_cli("validate", path)
    assert result.returncode == 1
    assert ("Ligne 12, colonne Date de début : « 31/02/2025 » n'est pas une date : février "
            "2025 n'a que 28 jours.") in result.stderr
    assert ("Ligne 9, colonne Partenaires à l'étranger : « Sabiñánigo » n'indique pas le pays"
            in result.stderr)
    assert "2 erreur(s)" in result.stderr
    assert "Traceback" not in result.stderr
    assert _digest(path) == before  # validation never modifies the file


def _garbage_files(tmp_path):
    rng = random.Random(1975)
    files = {
        "vide.csv": b"",
        "espaces.csv": b"  \r\n\r\n ;;; \r\n",
        "aleatoire.bin": bytes(rng.getrandbits(8) for _ in range(50_000)),
        "aleatoire-sans-nul.csv": bytes(rng.choice(range(1, 256)) for _ in range(50_000)),
        "autre-tableur.csv": "Produit;Prix;Stock\nPommes;2,30;12\nPoires;3,10;4\n".encode("cp1252"),
        "image.png": b"\x89PNG\r\n\x1a\n" + bytes(200),
        "faux.xlsx": b"PK\x03\x04" + bytes(rng.getrandbits(8) for _ in range(1000)),
        "html.csv": b"<html><body><table><tr><td>id</td></tr></table></body></html>",
    }
    # 20 MB: the real header followed by 20 MB of rows of junk.
    row = b"x" * 60 + b";" + b"y" * 40 + b"\n"
    files["gros.csv"] = b"id;titre;collectivite;date_debut\n" + row * (20_000_000 // len(row))
    paths = []
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def test_garbage_exits_1_or_2_with_a_message_and_no_traceback(tmp_path):
    for path in _garbage_files(tmp_path):
        before = _digest(path)
        result = run_cli("validate", path)
        assert result.returncode in (1, 2), (path.name, result.returncode, result.stderr[-500:])
        assert "Traceback" not in result.stderr + result.stdout, path.name
        assert result.stderr.strip(), path.name
        assert _digest(path) == before


def test_unreadable_messages_are_explicit(tmp_path):
    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"")
    result = run_cli("validate", empty)
    assert result.returncode == 2
    assert "Le fichier est vide" in result.stderr
    other = tmp_path / "autre.csv"
    other.write_text("Produit;Prix\nPommes;2\n", encoding="utf-8")
    result = run_cli("validate", other)
    assert result.returncode == 2
    assert "ne nomme aucune colonne du relais" in result.stderr
    result = run_cli("validate", tmp_path / "absent.csv")
    assert result.returncode == 2 and "n'existe pas" in result.stderr


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000) | st.text(max_size=500).map(lambda t: t.encode("utf-8")))
def test_reader_never_raises_anything_but_unreadable_table(data):
    try:
        table = reading.read_bytes(data)
    except UnreadableTable as exc:
        assert str(exc)
    else:
        from cufmap.relay import validation

        validation.validate(table.frame, table.lines, table.missing)


@pytest.mark.parametrize("prefix", [b"id;titre;collectivite\n", b"id,titre,collectivite\n"])
@settings(max_examples=100, deadline=None)
@given(body=st.binary(max_size=1000))
def test_validation_of_any_rows_never_crashes(prefix, body):
    from cufmap.relay import validation

    try:
        table = reading.read_bytes(prefix + body.replace(b"\x00", b""))
    except UnreadableTable:
        return

    for problem in validation.validate(table.frame, table.lines, table.missing):
        assert problem.message.startswith("Ligne ")


def test_default_path_can_be_overridden_by_environment(tmp_path):
    env_path = tmp_path / "autre.csv"
    env_path.write_bytes(DATA.read_bytes())
    result = run_cli("validate", cwd=tmp_path)
    assert result.returncode == 2  # no data/relais.csv there
    os.environ["CUFMAP_DATA"] = str(env_path)
    try:
        assert run_cli("validate", cwd=tmp_path).returncode == 0
    finally:
        del os.environ["CUFMAP_DATA"]


def test_the_command_ends_with_its_status_and_all_its_output_when_piped():
    """`cufmap` leaves without the interpreter's teardown: every line still reaches the pipe,
    the status is the command's, and a message given to sys.exit is shown (status 1)."""
    result = run_cli("validate", "/nonexistent/relais.csv")
    assert result.returncode == 2 and "illisible" in result.stderr
    assert "Traceback" not in result.stderr
    script = ("import sys; from cufmap import cli; sys.argv = ['cufmap'];"
              "cli.main = lambda: print('Fin.') or sys.exit('Arrêt demandé.'); cli.run()")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # as a user's
    stopped = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                             timeout=60, cwd=ROOT, env=env)
    assert (stopped.returncode, stopped.stdout, stopped.stderr) == (1, "Fin.\n",
                                                                    "Arrêt demandé.\n")
