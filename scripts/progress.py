"""What the main command shows while it runs: phases, a dbt progress bar, a summary.

On a terminal it is a live display (rich): one line per phase with a spinner,
then a tick and its time; the dbt build as a bar with models, tests and seeds
done out of their totals. Anywhere else (CI, a pipe, pytest) it prints plain
`[build]` lines (or the tag given), no animation. Warnings and errors always go to stderr, in
full, as plain text.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

# dbt resource types as the summary counts them
KINDS = {"model": "models", "seed": "seeds", "snapshot": "snapshots", "test": "tests", "unit_test": "tests"}


class _CountsOnly(ProgressColumn):
    """A bar or count column shown only on tasks that count something (the dbt build), not on phases."""

    def __init__(self, column: ProgressColumn) -> None:
        super().__init__()
        self.column = column

    def render(self, task: Task) -> Text:
        return self.column.render(task) if task.fields.get("counting") else Text("")


class Display:
    def __init__(self, verbose: bool = False, tag: str = "build") -> None:
        self.console = Console(highlight=False)
        self.tag = f"[{tag}]"
        self.live = self.console.is_terminal
        self.verbose = verbose
        self.timings: dict[str, float] = {}
        # wall-clock start of each phase (time.time()), for scripts/benchmark.py's per-phase peak memory
        self.started_at: dict[str, float] = {}
        self.warnings: Counter[str] = Counter()
        self._progress: Progress | None = None
        self._dbt_task: TaskID | None = None
        self._dbt_totals: Counter[str] = Counter()
        self._dbt_done: Counter[str] = Counter()
        self._dbt_reported = 0

    def __enter__(self) -> Display:
        if self.live:
            self._progress = Progress(
                SpinnerColumn(finished_text=" "),
                TextColumn("{task.description}"),
                _CountsOnly(BarColumn()),
                _CountsOnly(MofNCompleteColumn()),
                TimeElapsedColumn(),
                console=self.console,
            )
            self._progress.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    # ------------------------------------------------------------------ lines

    def line(self, text: str) -> None:
        """A plain line on stdout (above the live display on a terminal)."""
        if self._progress is not None:
            self._progress.console.print(text, markup=False, soft_wrap=True)
        else:
            print(text, flush=True)

    def detail(self, text: str) -> None:
        self.line(f"  {text}" if self.live else f"{self.tag}   {text}")

    def warning(self, text: str, kind: str) -> None:
        """A warning, counted under `kind` for the summary, printed in full on stderr."""
        self.warnings[kind] += 1
        print(text, file=sys.stderr, flush=True)

    def error(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    # ----------------------------------------------------------------- phases

    @contextmanager
    def phase(self, title: str) -> Iterator[None]:
        """Time one phase; show it running, then done (or failed)."""
        started = time.monotonic()
        self.started_at[title] = time.time()
        task = None
        if self._progress is not None:
            task = self._progress.add_task(title, total=None)
        else:
            print(f"{self.tag} {title} ...", flush=True)
        try:
            yield
        except BaseException:
            self.timings[title] = time.monotonic() - started
            if self._progress is not None and task is not None:
                self._progress.update(task, description=f"[red]✗ {title}[/]", total=1, completed=1)
            else:
                print(f"{self.tag} {title}: failed after {self.timings[title]:.1f} s", flush=True)
            raise
        self.timings[title] = time.monotonic() - started
        if self._progress is not None and task is not None:
            self._progress.update(task, description=f"[green]✓[/] {title}", total=1, completed=1)
        else:
            print(f"{self.tag} {title}: done in {self.timings[title]:.1f} s", flush=True)

    # -------------------------------------------------------------------- dbt

    def dbt_started(self, totals: Counter[str]) -> None:
        self._dbt_totals = totals
        total = sum(totals.values())
        if self._progress is not None:
            self._dbt_task = self._progress.add_task(self._dbt_text(), total=total, counting=True)
        else:
            print(f"{self.tag}   {self._dbt_text()}", flush=True)

    def dbt_node_done(self, resource_type: str) -> None:
        self._dbt_done[KINDS.get(resource_type, resource_type)] += 1
        done, total = sum(self._dbt_done.values()), sum(self._dbt_totals.values())
        if self._progress is not None and self._dbt_task is not None:
            self._progress.update(self._dbt_task, completed=done, description=self._dbt_text())
        elif total and done * 10 // total > self._dbt_reported:  # plain output: one line per tenth
            self._dbt_reported = done * 10 // total
            print(f"{self.tag}   {self._dbt_text()} ({done}/{total} nodes done)", flush=True)

    def dbt_finished(self) -> None:
        if self._progress is not None and self._dbt_task is not None:
            self._progress.remove_task(self._dbt_task)
            self._dbt_task = None

    def dbt_log(self, text: str) -> None:
        """One line of dbt's own log (shown live with --verbose)."""
        if self.verbose:
            self.line(text)

    def _dbt_text(self) -> str:
        parts = [f"{kind} {self._dbt_done[kind]}/{n}" for kind, n in self._dbt_totals.items() if n]
        return "dbt build: " + ", ".join(parts)

    @property
    def dbt_counts(self) -> tuple[Counter[str], Counter[str]]:
        return self._dbt_done, self._dbt_totals
