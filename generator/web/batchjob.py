"""The batch of the app's "make the copies" button, in a process of its own.

The batch forks its workers; forking the web server (threads, a preview being drawn
in one of them) could copy a lock held by another thread into every worker. So the
server starts this module with ``python -m generator.web.batchjob DISPATCH FOLDER``
and reads its progress, one JSON line at a time, from its standard output.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from generator.errors import CongVanError
from generator.i18n import _


def _say(**values: object) -> None:
    sys.stdout.write(json.dumps(values, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    from generator.batch.run import default_jobs, report_text, run_batch, run_print
    from generator.input import schedule
    from generator.input.loader import load_dispatch
    from generator.input.recipients import recipient_list

    path, folder = Path(argv[0]), Path(argv[1])
    jobs = default_jobs()
    formats = ["pdf", "docx"]
    try:
        schedule.take_notes()
        model = load_dispatch(path)
        recipients = recipient_list(model)  # a `copies:` list, as print and watch find it; else per province
        planned = run_batch(model, folder, formats=formats, dry_run=True, recipients=recipients)
        _say(total=max(1, len({n.rsplit(".", 1)[0] for n, _why in planned.written})),
             phase=_("making the copies"))
        result = run_batch(model, folder, formats=formats, jobs=jobs, progress=lambda n: _say(done=n),
                           recipients=recipients)
        _say(phase=_("making the print files"), changes=list(result.plan_changes),
             written=[n for n, _why in result.written])
        printed = run_print(model, folder, formats=formats, jobs=jobs, recipients=recipients)
        _say(report=report_text(result) + printed.summary(), printed=[n for n, _why in printed.written],
             files=[p.relative_to(folder).as_posix() for p in sorted((folder / "print").glob("in-tat-ca*.*"))])
    except CongVanError as exc:
        _say(error=exc.format_message())
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
