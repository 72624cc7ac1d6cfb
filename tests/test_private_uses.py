"""The private parts of libraries congvan uses, one test each: a new release that
changes one fails here, naming the library, its version, the part and congvan's
module that uses it (pyproject.toml bounds these libraries for that reason)."""

from __future__ import annotations

import importlib.metadata
import inspect
import re
import textwrap

import pytest


@pytest.fixture(autouse=True, scope="module")
def _weasyprint_loaded_as_congvan_loads_it():
    """WeasyPrint imported here first would start fontconfig with the system's fonts, and
    every PDF the process made afterwards (other tests' too) would differ from congvan's."""
    from generator.render.pdf import _weasyprint

    _weasyprint()


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


def test_weasyprint_breaks_lines_in_a_function_congvan_can_keep_the_answers_of():
    import weasyprint.layout.inline as inline
    import weasyprint.layout.preferred as preferred
    import weasyprint.text.line_break as line_break

    user = "pdf_reuse._keep_line_breaks"
    split = _has(line_break, "split_first_line", "weasyprint", user)
    for module in (inline, preferred):
        used = _has(module, "split_first_line", "weasyprint", user)
        assert getattr(used, "__wrapped__", used) is split, _changed(
            "weasyprint", f"where {module.__name__} takes split_first_line from", user)
    assert list(inspect.signature(split).parameters) == [
        "text", "style", "context", "max_width", "justification_spacing", "is_line_start", "minimum"], \
        _changed("weasyprint", "split_first_line's parameters", user)


def test_weasyprint_puts_a_justified_lines_new_layout_aside_at_once():
    """pdf_reuse hands ``add_word_spacing`` (the one user of ``create_layout`` in
    ``layout.inline``) a layout holding no Pango object, which is right only while it
    puts the layout aside (``deactivate``) before anything else."""
    import weasyprint.layout.inline as inline

    user = "pdf_reuse._keep_line_breaks"
    source = inspect.getsource(inline)
    assert source.count("create_layout(") == 1, _changed("weasyprint", "where layout.inline makes text layouts", user)
    spacing = inspect.getsource(_has(inline, "add_word_spacing", "weasyprint", user))
    assert re.search(r"layout = create_layout\([^)]*\)\s*layout\.deactivate\(\)", spacing), _changed(
        "weasyprint", "what add_word_spacing does with a new layout", user)


def test_weasyprint_breaks_lines_by_no_style_property_the_kept_lines_are_not_keyed_by():
    """Every property WeasyPrint's line breaking reads (its text modules, read from their
    source) is in the key of the lines kept: one missing would hand a line broken for one
    style to another, silently. The layout context is used for hyphenation dictionaries
    only, which depend on the key too."""
    import ast

    import weasyprint.text.fonts as fonts
    import weasyprint.text.line_break as line_break

    from generator.render.pdf_reuse import LINE_STYLE

    read, context_uses = set(), set()
    for module in (line_break, fonts):
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "style"
                    and isinstance(node.slice, ast.Constant)):
                read.add(node.slice.value)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "context":
                context_uses.add(node.attr)
    assert "font_size" in read  # the scan found what it looks for
    missing = sorted(read - set(LINE_STYLE))
    assert not missing, _changed("weasyprint", f"the style its text layout reads ({', '.join(missing)})",
                                 "pdf_reuse.LINE_STYLE")
    assert context_uses == {"dictionaries"}, _changed("weasyprint", "what line breaking reads of its context",
                                                      "pdf_reuse._keep_line_breaks")


def test_weasyprint_draws_a_line_by_reactivating_its_layout_then_drawing_its_first_line():
    """pdf_reuse._keep_shaped_lines answers ``Layout.reactivate`` (which makes the Pango
    layout again from the style and text) and gives a line drawn with an ellipsis a layout
    of its own in ``draw_first_line``: both must be what draw_text calls, with these
    parameters, and reactivating must read the style only through setup and set_text."""
    import ast

    import weasyprint.draw.text as draw_text
    from weasyprint.text.line_break import Layout

    user = "pdf_reuse._keep_shaped_lines"
    reactivate = getattr(Layout.reactivate, "__wrapped__", Layout.reactivate)
    assert list(inspect.signature(reactivate).parameters) == ["self", "style"], \
        _changed("weasyprint", "Layout.reactivate's parameters", user)
    called = {node.func.attr for node in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(reactivate))))
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)}
    assert called == {"setup", "set_text"}, _changed("weasyprint", "what Layout.reactivate does", user)
    draw = getattr(draw_text.draw_first_line, "__wrapped__", draw_text.draw_first_line)
    assert list(inspect.signature(draw).parameters) == [
        "stream", "textbox", "text_overflow", "block_ellipsis", "matrix"], \
        _changed("weasyprint", "draw_first_line's parameters", user)
    source = inspect.getsource(draw_text.draw_text)
    assert "textbox.pango_layout.reactivate(textbox.style)" in source and "draw_first_line(" in source, \
        _changed("weasyprint", "how draw_text draws a line", user)
    # Drawing changes the layout (its text, width, ellipsizing) only where an ellipsis is drawn.
    tree = ast.parse(inspect.getsource(draw))

    def changes(node: ast.AST) -> set[ast.AST]:
        return {n for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                and n.func.attr in ("set_text", "pango_layout_set_text", "pango_layout_set_width",
                                    "pango_layout_set_ellipsize", "pango_layout_set_attributes")}

    guarded = [n for n in ast.walk(tree) if isinstance(n, (ast.If, ast.While))
               and {"text_overflow", "block_ellipsis"} & {x.id for x in ast.walk(n.test) if isinstance(x, ast.Name)}]
    inside = set().union(*(changes(n) for n in guarded))
    assert inside and inside == changes(tree), _changed(
        "weasyprint", "where drawing changes a line's layout", user)


def test_weasyprints_text_layout_holds_plain_values_between_layout_and_drawing():
    """A line kept is handed back as a shallow copy of its text layout: that shares nothing
    only while WeasyPrint's deactivated layout holds no Pango object."""
    import weasyprint
    from weasyprint.layout.inline import split_first_line

    from generator.render.pdf_reuse import share_across_documents

    share_across_documents()
    document = weasyprint.HTML(string="<p style='width: 30mm'>Kính gửi: Ủy ban nhân dân tỉnh Bắc Giang</p>").render()
    style = document.pages[0]._page_box.children[0].children[0].children[0].style
    split = getattr(split_first_line, "__wrapped__", split_first_line)
    layout = split("Kính gửi: Ủy ban nhân dân tỉnh", style, None, 80.0, 0)[0]
    assert not hasattr(layout, "layout"), _changed("weasyprint", "deactivating a text layout",
                                                   "pdf_reuse._keep_line_breaks")
    odd = {k: type(v).__name__ for k, v in vars(layout).items() if not isinstance(v, (str, int, float, type(None)))}
    assert not odd, _changed("weasyprint", f"what a deactivated text layout holds ({odd})",
                             "pdf_reuse._keep_line_breaks")


def test_weasyprint_names_each_c_library_by_a_file_name_the_systems_loader_knows():
    """congvan imports WeasyPrint with cffi's library search held back (pdf._libraries_by_name_only):
    each library must then load by one of the names WeasyPrint lists, its file name on
    Linux (``libpango-1.0.so.0``); a release that drops those names would make every
    import search again (slower, still correct)."""
    import ast
    import re

    import weasyprint.text.ffi as ffi

    calls = [node for node in ast.walk(ast.parse(inspect.getsource(ffi)))
             if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_dlopen"]
    assert len(calls) >= 6, _changed("weasyprint", "how text.ffi loads its libraries", "pdf._libraries_by_name_only")
    for call in calls:
        names = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        assert any(re.fullmatch(r"lib[\w.+-]+\.so\.\d+", n) for n in names), _changed(
            "weasyprint", f"the names it loads a library by ({', '.join(names)})", "pdf._libraries_by_name_only")


def test_weasyprint_computes_a_style_from_what_the_kept_styles_are_keyed_by():
    """pdf_reuse._keep_computed_styles keys an element's style by its declarations (with their
    weights), pseudo-element, base URL, fonts and its parent's and root's keys, and keeps
    no style sized by the page. WeasyPrint's computing must read nothing else of a style: a
    release that computes from another attribute (the element itself, say) fails here."""
    import ast

    import weasyprint.css as wp_css
    import weasyprint.css.computed_values as computed_values
    import weasyprint.css.units as units

    user = "pdf_reuse._keep_computed_styles"
    assert list(inspect.signature(wp_css.ComputedStyle.__init__).parameters) == [
        "self", "parent_style", "cascaded", "pseudo_type", "root_style", "base_url", "font_config",
        "initial_page_sizes"], _changed("weasyprint", "what a ComputedStyle is made from", user)
    set_computed = getattr(wp_css.StyleFor.set_computed_styles, "__wrapped__", wp_css.StyleFor.set_computed_styles)
    assert list(inspect.signature(set_computed).parameters) == [
        "self", "element", "parent", "root", "pseudo_type", "base_url", "target_collector"], \
        _changed("weasyprint", "StyleFor.set_computed_styles's parameters", user)
    assert {"vw", "vh", "vmin", "vmax"} <= set(_has(units, "VIEWPORT_UNITS", "weasyprint", user)), \
        _changed("weasyprint", "its viewport units", user)
    keyed = {"cascaded", "parent_style", "root_style", "pseudo_type", "base_url", "font_config",
             "is_root_element", "specified", "cache", "initial_page_sizes", "anonymous_style"}
    missing = getattr(wp_css.ComputedStyle.__missing__, "__wrapped__", wp_css.ComputedStyle.__missing__)
    sources = [inspect.getsource(computed_values), inspect.getsource(units), textwrap.dedent(inspect.getsource(missing))]
    read = set()
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in ("style", "self", "parent_style", "root_style", "computed")
                    and not callable(getattr(dict, node.attr, None))):
                read.add(node.attr)
    assert "parent_style" in read  # the scan found what it looks for
    assert read <= keyed, _changed("weasyprint", f"what computing a style reads ({', '.join(sorted(read - keyed))})",
                                   user)


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
