"""``congvan serve``: the same engine in the clerk's browser.

A local web app (Starlette under uvicorn, Jinja templates, a little plain JavaScript,
all shipped in this package: it needs no internet access) that edits the same YAML and
plan files the command line reads, with a live preview of the page. It calls the same
functions as the command line (load, validate, render, batch, print, check) and keeps
no rule of its own.
"""

from __future__ import annotations

__all__ = ["create_app"]


def create_app(*args, **kwargs):  # type: ignore[no-untyped-def]
    from generator.web.app import create_app as make

    return make(*args, **kwargs)
