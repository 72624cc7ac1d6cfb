"""``python -m generator`` is the ``congvan`` command."""

from .cli import cli

cli(prog_name="congvan")
