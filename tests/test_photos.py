"""A stage's photos (cufmap.relay.photos, cufmap.editing.marches): resized, re-encoded, stripped of
every metadata (the GPS position a phone writes), each with its alternative text; hostile files
refused in French before they cost anything; kept with the data (Git round trip), published
beside the page."""

import io
import struct
import zlib

import pytest
from PIL import Image

from cufmap.editing import marches
from cufmap.publish import export as exporting
from cufmap.relay import attachments, photos
from cufmap.relay.attachments import RefusedFile

from .test_gitstore import git, instance, log, remote  # noqa: F401  (remote: a fixture)
from .test_routes import relay  # noqa: F401  (a fixture)

BILLERE = "billere-2025-05-08"
GPS = 0x8825


def phone_photo(size=(4000, 3000), orientation=6, fmt="JPEG") -> bytes:
    """A photo as a phone writes it: EXIF with the camera, the GPS position and the
    orientation (6: turned, the phone held upright)."""
    image = Image.new("RGB", size, (180, 90, 40))
    image.paste((20, 60, 160), (0, 0, size[0] // 2, size[1] // 3))
    exif = Image.Exif()
    exif[0x010F] = "Téléphone"
    exif[0x0112] = orientation
    exif[GPS] = {1: "N", 2: (43.0, 18.0, 30.0), 3: "W", 4: (0.0, 23.0, 40.0)}
    out = io.BytesIO()
    image.save(out, fmt, exif=exif.tobytes(), quality=90)
    return out.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` × ``height`` pixels: a few bytes, gigabytes once decoded."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b""))


def test_a_phone_photo_is_resized_upright_as_webp_with_no_metadata():
    photo = photos.process(phone_photo(), "IMG_0042.jpg")
    image = Image.open(io.BytesIO(photo.data))
    assert image.format == "WEBP" and image.size == (1200, 1600)  # turned upright, ≤ 1,600
    assert (photo.width, photo.height) == image.size
    assert not image.getexif() and GPS not in image.getexif()
    assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)
    assert photo.name.endswith(".webp") and len(photo.name) == 21


@pytest.mark.parametrize("fmt, mode", [("PNG", "RGBA"), ("WEBP", "RGB")])
def test_png_and_webp_photos_are_accepted(fmt, mode):
    out = io.BytesIO()
    Image.new(mode, (800, 600), (10, 20, 30, 128)[:len(mode)]).save(out, fmt)
    photo = photos.process(out.getvalue(), f"photo.{fmt.lower()}")
    assert Image.open(io.BytesIO(photo.data)).size == (800, 600)


@pytest.mark.skipif(not photos.HEIC, reason="pillow-heif absent")
def test_an_iphone_heic_photo_is_accepted():
    out = io.BytesIO()
    try:
        Image.new("RGB", (320, 240), (200, 10, 10)).save(out, "HEIF")  # small: x265 is slow
    except (OSError, KeyError, ValueError):
        pytest.skip("this libheif cannot encode HEIC")
    photo = photos.process(out.getvalue(), "IMG_0001.HEIC")
    assert Image.open(io.BytesIO(photo.data)).format == "WEBP" and photo.width == 320


# --- hostile files: refused in French before they cost anything --------------------------------

def test_a_40_mb_file_is_refused_on_its_size_before_it_is_decoded(monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("decoded")
    monkeypatch.setattr(Image, "open", never)
    with pytest.raises(RefusedFile, match="elle fait 40 Mo \\(limite 20 Mo\\)"):
        photos.process(b"\xff\xd8\xff" + b"\x00" * (40 * 2**20), "énorme.jpg")


@pytest.mark.parametrize("data", [b"%PDF-1.4 ceci est un PDF", b"", "texte".encode() * 100,
                                  b"\xff\xd8\xff\xe0" + b"\x00" * 50])
def test_what_is_not_an_image_is_refused(data):
    with pytest.raises(RefusedFile, match="(ce n'est pas une image|abîmée)"):
        photos.process(data, "document.jpg")


@pytest.mark.parametrize("side, why", [(50_000, "bien plus de pixels qu'une photo"),
                                       (9_000, "9000 × 9000 pixels")])
def test_an_image_declaring_too_many_pixels_is_refused_from_its_header(monkeypatch, side, why):
    """50,000 × 50,000 (Pillow's own bomb check) and 9,000 × 9,000 (81 million pixels, under
    Pillow's limit, over cufmap's): refused before a pixel is decoded."""
    def never(self, *args, **kwargs):
        raise AssertionError("decoded")
    monkeypatch.setattr(Image.Image, "load", never)
    monkeypatch.setattr(Image.Image, "draft", never)
    data = png_header(side, side)
    assert len(data) < 2000
    with pytest.raises(RefusedFile, match=why):
        photos.process(data, "bombe.png")


def test_a_photo_needs_its_alternative_text_and_a_short_credit(relay):  # noqa: F811
    for alt, credit, why in (("", "", "texte alternatif"), ("   ", "", "texte alternatif"),
                             ("x" * 301, "", "301 caractères"), ("Mairie", "c" * 121, "crédit")):
        with pytest.raises(RefusedFile, match=why):
            marches.add_photo(relay, BILLERE, phone_photo((400, 300)), "p.jpg", alt, credit, "A")
    assert marches.photos_of(relay, BILLERE) == []


def test_at_most_eight_photos_per_stage(relay):  # noqa: F811
    for n in range(photos.MAX_PHOTOS):
        marches.add_photo(relay, BILLERE, phone_photo((300 + n, 200)), "p.jpg", f"Photo {n}", "",
                          "A")
    with pytest.raises(RefusedFile, match="déjà 8 photos"):
        marches.add_photo(relay, BILLERE, phone_photo((999, 200)), "p.jpg", "Une de plus", "", "A")


# --- kept with the data, published -----------------------------------------------------------

def test_a_photo_survives_a_git_round_trip_and_appears_in_the_history(tmp_path, remote):  # noqa: F811
    a = instance(tmp_path, remote, "a")
    a.sync(force=True)
    said = marches.add_photo(a, BILLERE, phone_photo(), "IMG.jpg",
                             "Les maires de Billère et de Sabiñánigo", "Ville de Billère", "Bob")
    assert "sans métadonnées" in said
    assert log(remote)[0] == ("Bob", "Photo ajoutée : Ville de Billère (« Les maires de "
                                     "Billère et de Sabiñánigo »)")
    b = instance(tmp_path, remote, "b")
    [item] = marches.photos_of(b, BILLERE)
    assert item["alt"] == "Les maires de Billère et de Sabiñánigo"
    served = b.read_attachment(attachments.photo_path(BILLERE, item["file"]))
    assert GPS not in Image.open(io.BytesIO(served)).getexif()
    marches.remove_photo(b, BILLERE, item["file"], "Alice")
    assert log(remote)[0] == ("Alice", "Photo retirée : Ville de Billère")
    assert marches.photos_of(instance(tmp_path, remote, "c"), BILLERE) == []
    assert "photos/" not in git(remote, "ls-tree", "-r", "--name-only", "main")


def test_the_export_writes_the_photos_beside_the_page_which_names_them(relay, tmp_path):  # noqa: F811
    marches.add_photo(relay, BILLERE, phone_photo(), "IMG.jpg", "Les élus devant la mairie",
                      "", "A")
    [item] = marches.photos_of(relay, BILLERE)
    out = tmp_path / "export"
    exporting.export(out, relay.path, relay.places)
    src = f"photos/{BILLERE}/{item['file']}"
    assert (out / src).read_bytes() == relay.read_attachment(src)
    page = (out / "index.html").read_text(encoding="utf-8")
    assert f'"src":"{src}"' in page and f'src="{src}' not in page  # made when a card opens


def test_the_editing_page_shows_a_stage_s_route_and_photos_and_removes_them(monkeypatch,
                                                                             relay):  # noqa: F811
    """The section under the chosen stage's form (AppTest: uploads need a browser; the
    attaching itself is tested above through cufmap.editing.marches)."""
    from .test_routes import CHARTRES, LOOP, editing_page

    marches.attach_route(relay, CHARTRES, LOOP.read_bytes(), LOOP.name, "Alice")
    marches.add_photo(relay, CHARTRES, phone_photo((800, 600)), "p.jpg", "La place de Ravenne",
                      "Ville de Chartres", "Alice")
    at = editing_page(monkeypatch, relay)
    shown = " ".join(m.value for m in at.markdown).replace("\\", "")  # md() escapes
    assert "Tracé et photos de l'étape" in shown
    assert "Tracé enregistré : 6,8\u00a0km ; points nommés : Place de Ravenne" in shown
    assert "La place de Ravenne — Ville de Chartres" in shown
    next(b for b in at.button if b.label == "Retirer le tracé").click().run()
    assert marches.route_of(relay, CHARTRES) is None
    assert "Tracé retiré." in " ".join(s.value for s in at.success).replace("\\", "")
    next(b for b in at.button if b.label == "Retirer cette photo").click().run()
    assert marches.photos_of(relay, CHARTRES) == []
