"""Signature and seal images: one picture, the seal over the signature's left third."""

from __future__ import annotations

import pytest
from conftest import FIXTURES
from pdfread import MM, PdfReader
from PIL import Image, ImageDraw

from generator import InputError, load_dispatch
from generator.render.measures import PAGE
from generator.render.view import build_view


def _images(tmp_path):
    sig = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    ImageDraw.Draw(sig).line([(20, 150), (200, 40), (380, 160), (580, 30)], fill=(0, 0, 200, 255), width=12)
    sig.save(tmp_path / "sig.png")
    seal = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    ImageDraw.Draw(seal).ellipse([5, 5, 295, 295], outline=(230, 0, 0, 255), width=14)
    seal.save(tmp_path / "seal.png")


def _dispatch(tmp_path, extra: str):
    text = (FIXTURES / "second-dispatch.yaml").read_text(encoding="utf-8")
    text = text.replace("  name: Trần Thị Bình\n", "  name: Trần Thị Bình\n" + extra)
    (tmp_path / "cv.yaml").write_text(text, encoding="utf-8")
    return load_dispatch(tmp_path / "cv.yaml")


def test_seal_covers_the_left_third_of_the_signature(tmp_path):
    _images(tmp_path)
    d = _dispatch(tmp_path, "  signature_image: sig.png\n  seal_image: seal.png\n")
    block = Image.open(build_view(d).signature_image).convert("RGBA")
    # signature starts at 300 - 600/3 = 100 px, so the seal (0–300 px) covers its first 200 px
    assert block.size == (700, 300)
    red_ring = block.getpixel((295, 150))
    assert red_ring[0] > 200 and red_ring[2] < 50  # the seal is on top
    assert block.getpixel((690, 150))[3] == 0  # transparent where neither is


def test_the_block_is_printed_between_title_and_name(tmp_path):
    from generator.render.pdf import pdf_bytes

    _images(tmp_path)
    d = _dispatch(tmp_path, "  signature_image: sig.png\n  seal_image: seal.png\n")
    pdf = PdfReader(pdf_bytes(d))
    (image,) = pdf.pages[0].images
    title = pdf.find(0, "PHÓ CHÁNH VĂN PHÒNG")
    name = pdf.find(0, "Trần Thị Bình")
    assert title.bottom <= image["top"] and image["bottom"] <= name.top
    assert image["bottom"] - image["top"] == pytest.approx(PAGE.signature_space * MM, abs=0.5)


def test_a_missing_image_names_the_field(tmp_path):
    with pytest.raises(InputError) as info:
        _dispatch(tmp_path, "  signature_image: chu-ky.png\n")
    assert "signer.signature_image: no file 'chu-ky.png' next to cv.yaml" in info.value.format_message()


def test_a_seal_needs_a_signature(tmp_path):
    _images(tmp_path)
    with pytest.raises(InputError) as info:
        _dispatch(tmp_path, "  seal_image: seal.png\n")
    assert "a seal image overlaps the signature: give signature_image too" in info.value.format_message()


def test_the_bytes_do_not_depend_on_where_the_images_are_cached(tmp_path):
    """WeasyPrint names an image in the PDF after its URL: the QR codes and the signature
    block must not be named after the folder they are cached in, or the same dispatch
    would give other bytes in another clone, for another user or with another $TMPDIR."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from conftest import EXAMPLE

    _images(tmp_path)
    _dispatch(tmp_path, "  signature_image: sig.png\n  seal_image: seal.png\n")
    root = Path(__file__).resolve().parent.parent
    code = ("import sys; from generator import load_dispatch, render_pdf; "
            "render_pdf(load_dispatch(sys.argv[1]), sys.argv[2])")
    for source in (EXAMPLE, tmp_path / "cv.yaml"):
        made = []
        for n, place in enumerate(("one", "somewhere/else")):
            out = tmp_path / f"{source.stem}-{n}.pdf"
            env = {**os.environ, "PYTHONPATH": str(root), "CONGVAN_QR_CACHE": str(tmp_path / place / "qr")}
            subprocess.run([sys.executable, "-c", code, str(source), str(out)], check=True, cwd=root, env=env)
            made.append(out.read_bytes())
        assert made[0] == made[1], source.name
        assert any(page.images for page in PdfReader(made[0]).pages), source.name
