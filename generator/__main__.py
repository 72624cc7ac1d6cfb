"""``python -m generator`` is the ``congvan`` command."""

from generator.cli import cli

cli(prog_name="congvan")
