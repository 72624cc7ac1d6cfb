"""The private parts of libraries congvan uses, one test each: a new release that
changes one fails here, naming the library, its version, the part and congvan's
module that uses it (pyproject.toml bounds these libraries for that reason)."""

from __future__ import annotations

import importlib.metadata
import inspect

import pytest


def _changed(library: str, part: str, user: str) -> str:
    version = importlib.metadata.version(library)
    return (f"{library} {version} changed {part}, which congvan's {user} uses: adapt {user} to it, "
            f"or keep {library} below {version} in pyproject.toml")


def _has(owner, name, library, user):
    assert hasattr(owner, name), _changed(library, f"{getattr(owner, '__name__', owner)}.{name}", user)
    return getattr(owner, name)


# --- WeasyPrint and pydyf (generator/render/pdf_reuse.py) ----------------------------------------

def test_weasyprint_builds_the_font_dictionary_in_a_module_function_congvan_can_replace():
    import weasyprint.pdf as wp_pdf

    build = _has(wp_pdf, "build_fonts_dictionary", "weasyprint", "pdf_reuse._replay_font_dictionaries")
    assert list(inspect.signature(build).parameters) == ["pdf", "fonts", "compress", "subset", "options"], \
        _changed("weasyprint", "build_fonts_dictionary's parameters", "pdf_reuse._replay_font_dictionaries")


def test_weasyprint_fonts_have_what_the_replay_reads(example):
    """Every attribute pdf_reuse reads of a font exists on the fonts of a real render;
    one gone would silently turn the replay off (a font not "replayable")."""
    import weasyprint.pdf as wp_pdf

    from generator.render import pdf_reuse
    from generator.render.pdf import pdf_bytes

    pdf_bytes(example)  # installs the hooks
    seen = []
    replay = wp_pdf.build_fonts_dictionary

    def spy(pdf, fonts, compress, subset, options):
        seen.extend(fonts.values())
        return replay(pdf, fonts, compress, subset, options)

    wp_pdf.build_fonts_dictionary = spy
    try:
        pdf_bytes(example.model_copy(update={"subject": "kiểm tra phông chữ"}))
    finally:
        wp_pdf.build_fonts_dictionary = replay
    assert seen
    needed = ("bitmap", "missing", "used_in_forms", "png", "svg", "colr", "variations", "tables", "widths",
              "hash", "name", "family", "type", "index", "upem", "ascent", "descent", "flags", "italic_angle",
              "stemv", "stemh", "file_content")
    for font in seen:
        lacking = [a for a in needed if not hasattr(font, a)]
        assert not lacking, _changed("weasyprint", f"its Font objects ({', '.join(lacking)})",
                                     "pdf_reuse._face_key/_replayable")
        assert pdf_reuse._replayable(font)


def test_weasyprint_encodes_png_data_in_a_static_method():
    from weasyprint.images import RasterImage

    method = inspect.getattr_static(RasterImage, "_get_png_data", None)
    assert isinstance(method, staticmethod), _changed("weasyprint", "RasterImage._get_png_data",
                                                      "pdf_reuse._keep_png_data")
    assert list(inspect.signature(method.__func__).parameters) == ["pillow_image"], \
        _changed("weasyprint", "RasterImage._get_png_data's parameters", "pdf_reuse._keep_png_data")


def test_pydyf_objects_are_numbered_and_give_their_bytes():
    import pydyf

    user = "pdf_reuse._Recording/_Fixed"
    stream = pydyf.Stream([b"BT ET"])
    assert isinstance(stream.data, bytes) and b"\nstream\n" in stream.data, _changed("pydyf", "Stream.data", user)
    assert isinstance(inspect.getattr_static(pydyf.Object, "data"), property), _changed("pydyf", "Object.data", user)
    assert isinstance(inspect.getattr_static(pydyf.Object, "compressible"), property), \
        _changed("pydyf", "Object.compressible", user)
    pdf = pydyf.PDF()
    before = len(pdf.objects)
    pdf.add_object(stream)
    assert stream.number == before and pdf.objects[-1] is stream, _changed("pydyf", "PDF.add_object", user)
    assert pydyf.Dictionary({"F1": b"5 0 R"}).data == b"<</F1 5 0 R>>", _changed("pydyf", "Dictionary.data", user)


# --- python-docx (generator/render/reproducible.py, docx_render.py, ooxml.py, check/) -------------

@pytest.mark.parametrize("step", ["_write_content_types_stream", "_write_pkg_rels", "_write_parts"])
def test_python_docx_package_writer_writes_in_steps(step):
    from docx.opc.pkgwriter import PackageWriter

    method = _has(PackageWriter, step, "python-docx", "reproducible.saved_docx")
    assert isinstance(inspect.getattr_static(PackageWriter, step), staticmethod), \
        _changed("python-docx", f"PackageWriter.{step}", "reproducible.saved_docx")
    assert list(inspect.signature(method).parameters)[0] == "phys_writer", \
        _changed("python-docx", f"PackageWriter.{step}'s parameters", "reproducible.saved_docx")


def test_python_docx_reads_a_package_in_two_steps():
    from docx.opc.package import Unmarshaller
    from docx.opc.pkgreader import PackageReader

    user = "docx_render._Template"
    _has(PackageReader, "from_file", "python-docx", user)
    unmarshal = _has(Unmarshaller, "unmarshal", "python-docx", user)
    assert list(inspect.signature(unmarshal).parameters) == ["pkg_reader", "package", "part_factory"], \
        _changed("python-docx", "Unmarshaller.unmarshal's parameters", user)


def test_python_docx_sections_and_stories_keep_their_xml_element():
    import docx

    document = docx.Document()
    section = document.sections[0]
    assert section._sectPr.tag.endswith("}sectPr"), _changed("python-docx", "Section._sectPr",
                                                             "ooxml.py and check/docx_reader.py")
    assert section.footer._element.tag.endswith("}ftr"), _changed("python-docx", "footer._element",
                                                                  "check/docx_reader.py")


# --- click (generator/i18n.py, cli.py) --------------------------------------------------------

def test_click_looks_its_messages_up_through_its_modules_names(monkeypatch):
    import click

    from generator.i18n import CLICK_MODULES, set_language, use_catalogue_in_click

    for name in CLICK_MODULES:
        module = __import__(f"click.{name}", fromlist=["_"])
        assert hasattr(module, "_") or hasattr(module, "ngettext"), \
            _changed("click", f"click.{name}'s gettext names", "i18n.use_catalogue_in_click")
    use_catalogue_in_click()
    set_language("vi")
    try:
        assert click.exceptions.NoSuchOption("--x").format_message() == "Không có tùy chọn '--x'.", \
            _changed("click", "how NoSuchOption finds its message", "i18n.use_catalogue_in_click")
        assert click.exceptions.BadParameter("x", param_hint="'--y'").format_message().startswith(
            "Giá trị không hợp lệ cho '--y'"), _changed("click", "how BadParameter finds its message",
                                                         "i18n.use_catalogue_in_click")
    finally:
        set_language(None)


def test_clicks_progress_bar_shows_its_estimate_by_an_attribute():
    import io

    import click

    with click.progressbar(length=4, file=io.StringIO(), show_eta=False) as bar:
        assert bar.show_eta is False and bar.pos == 0, _changed("click", "ProgressBar.show_eta/pos",
                                                               "cli._with_progress")
        bar.update(1)
        assert bar.pos == 1, _changed("click", "ProgressBar.pos", "cli._with_progress")
