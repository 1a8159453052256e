"""Live progress of long work: a run, read from its Dagster event log, and `zwfw generate`'s files.

The run writes its events to the instance (ingestion per source, each dbt model and test, the
checks, the bulletin); a thread reads them back every half second. On a terminal it shows one
live line per stage (rich); elsewhere (CI, logs) it prints one line per finished step with its
time. Nothing here changes the run: it only reads. `FileProgress` does the same for the files
`zwfw generate` writes.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import TextIO


@dataclass(frozen=True)
class Steps:
    """The job's steps as the caller's definitions name them (`definitions.run_steps`): a label
    per step key, and which step is dbt's. Nothing here knows an asset's name."""

    labels: dict[str, str]
    dbt: str

    def label(self, step_key: str) -> str:
        return self.labels.get(step_key, step_key)


@dataclass
class Stage:
    label: str
    started: float
    finished: float | None = None
    failed: bool = False
    detail: str = ""


@dataclass
class RunProgress:
    """What the event log has said so far; `feed` takes events, `lines` renders."""

    steps: Steps
    dbt_models: int = 0
    dbt_tests: int = 0
    stages: dict[str, Stage] = field(default_factory=dict)
    models_done: int = 0
    tests_done: int = 0
    current_model: str = ""
    finished: list[str] = field(default_factory=list)  # lines of finished steps, in order

    def feed(self, event, now: float) -> None:
        """`now`: the event's own timestamp (seconds since the epoch)."""
        kind = event.event_type_value
        step = event.step_key or ""
        if kind == "STEP_START":
            self.stages[step] = Stage(self.steps.label(step), now)
        elif kind == "ASSET_MATERIALIZATION":
            mat = event.event_specific_data.materialization
            key = mat.asset_key.path
            if key[0] == "raw" and step in self.stages:
                md = mat.metadata
                rows = md["rows_read"].value if "rows_read" in md else 0
                files = md["file_count"].value if "file_count" in md else None
                took = max(now - self.stages[step].started, 1e-3)
                shown_files = f"{files} file{'s' if files != 1 else ''}, " if files is not None else ""
                self.stages[step].detail = f"{shown_files}{rows:,} rows ({rows / took:,.0f} rows/s)"
            elif step == self.steps.dbt:
                self.models_done += 1
                self.current_model = key[-1]
        elif kind == "ASSET_CHECK_EVALUATION" and step == self.steps.dbt:
            self.tests_done += 1
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE") and step in self.stages:
            stage = self.stages[step]
            stage.finished, stage.failed = now, kind == "STEP_FAILURE"
            if step == self.steps.dbt:
                stage.detail = (
                    f"{self.models_done} of {self.dbt_models} models, {self.tests_done} of {self.dbt_tests} tests"
                )
            status = "FAILED" if stage.failed else "done"
            detail = f": {stage.detail}" if stage.detail else ""
            self.finished.append(f"{stage.label} {status} in {stage.finished - stage.started:.1f}s{detail}")

    def live_lines(self, now: float) -> list[str]:
        out = []
        for step, stage in self.stages.items():
            if stage.finished is not None:
                continue
            took = now - stage.started
            if step == self.steps.dbt:
                out.append(
                    f"dbt: {self.models_done} of {self.dbt_models} models, {self.tests_done} of "
                    f"{self.dbt_tests} tests ({took:.0f}s) {self.current_model}"
                )
            else:
                out.append(f"{stage.label} … {took:.0f}s")
        return out


class ProgressReporter:
    """Follows one run in a thread; `line()` adds a step of the caller's own (publication)."""

    def __init__(
        self,
        instance,
        run_id: str,
        out: TextIO,
        steps: Steps,
        dbt_models: int,
        dbt_tests: int,
        interval: float = 0.5,
    ):
        self.instance, self.run_id, self.out, self.interval = instance, run_id, out, interval
        self.state = RunProgress(steps=steps, dbt_models=dbt_models, dbt_tests=dbt_tests)
        self.tty = bool(getattr(out, "isatty", lambda: False)())
        self._cursor: str | None = None
        self._printed = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._follow, name="zwfw-progress", daemon=True)
        self._live = None

    def __enter__(self) -> ProgressReporter:
        if self.tty:
            from rich.console import Console
            from rich.live import Live

            self._live = Live(console=Console(file=self.out, force_terminal=True), refresh_per_second=4, transient=True)
            self._live.start()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._poll()
        if self._live is not None:
            self._live.stop()
        self._flush()

    def line(self, text: str) -> None:
        self.state.finished.append(text)
        self._flush()

    def _follow(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self._poll()
            except Exception:  # the run's own storage is busy: try again next tick
                continue
            if self._live is not None:
                from rich.text import Text

                self._live.update(Text("\n".join(self.state.live_lines(time.time()))))
            self._flush()

    def _poll(self) -> None:
        conn = self.instance.get_records_for_run(self.run_id, cursor=self._cursor)
        for record in conn.records:
            entry = record.event_log_entry
            if entry.dagster_event is not None:  # timed by the event itself, not by when it was read
                self.state.feed(entry.dagster_event, entry.timestamp)
        self._cursor = conn.cursor

    def _flush(self) -> None:
        new = self.state.finished[self._printed :]
        self._printed = len(self.state.finished)
        for text in new:
            if self._live is not None:
                self._live.console.print(text, highlight=False)
            else:
                print(text, file=self.out, flush=True)


class FileProgress:
    """`zwfw generate`'s progress: called with each file written, as `on_file(source, path, rows)`.

    On a terminal, one live line per source (files, rows, rows/s); elsewhere one line per file with
    the time it took (generating its rows included) and the running total.
    """

    def __init__(self, out: TextIO, root, clock=time.monotonic):
        self.out, self.root, self.clock = out, root, clock
        self.tty = bool(getattr(out, "isatty", lambda: False)())
        self.started = self.last = clock()
        self.files: dict[str, int] = {}
        self.rows: dict[str, int] = {}
        self._live = None

    def __enter__(self) -> FileProgress:
        if self.tty:
            from rich.console import Console
            from rich.live import Live

            self._live = Live(
                console=Console(file=self.out, force_terminal=True),
                refresh_per_second=4,
                transient=True,
                get_renderable=self._renderable,
            )
            self._live.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._live is not None:
            self._live.stop()

    def __call__(self, source: str, path, rows: int) -> None:
        now = self.clock()
        self.files[source] = self.files.get(source, 0) + 1
        self.rows[source] = self.rows.get(source, 0) + rows
        if self._live is None:
            total = sum(self.rows.values())
            rate = total / max(now - self.started, 1e-3)
            name = path.relative_to(self.root) if path.is_relative_to(self.root) else path
            print(
                f"wrote {name}: {rows:,} rows in {now - self.last:.1f}s (so far {total:,} rows, {rate:,.0f} rows/s)",
                file=self.out,
                flush=True,
            )
        self.last = now

    def live_lines(self, now: float) -> list[str]:
        took = max(now - self.started, 1e-3)
        if not self.files:
            return [f"generate: building the world … {took:.0f}s"]
        return [
            f"{source:<18} {self.files[source]:>4} file{'s' if self.files[source] != 1 else ' '} "
            f"{self.rows[source]:>14,} rows ({self.rows[source] / took:,.0f} rows/s)"
            for source in self.files
        ]

    def _renderable(self):
        from rich.text import Text

        return Text("\n".join(self.live_lines(self.clock())))
