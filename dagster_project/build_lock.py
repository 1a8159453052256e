"""One build at a time per warehouse: `<warehouse>.lock`, held with flock for the whole run.

Two builds of one warehouse would share its scratch database and its lake partitions. Whichever
comes second (from the CLI, the Dagster UI or the schedule) must stop at once and say which build
is running. flock is released by the kernel when its holder dies, so a killed build never leaves
a lock that blocks the next one: the file then only records who held it last, and the next build
takes it over and says so (a stale lock).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path

LOCK_SUFFIX = ".lock"


class BuildLocked(RuntimeError):
    """Another build of the same warehouse is running."""


@dataclass(frozen=True)
class Holder:
    pid: int
    started: str
    launched_by: str
    run_id: str
    host: str

    def describe(self) -> str:
        return (
            f"pid {self.pid} on {self.host}, started {self.started}, launched by {self.launched_by}, run {self.run_id}"
        )


_held: dict[Path, tuple[int, str]] = {}  # lock file -> (fd, run id) of this process


def lock_path(warehouse: Path) -> Path:
    warehouse = Path(warehouse)
    return warehouse.with_name(warehouse.name + LOCK_SUFFIX)


def _read(fd: int) -> Holder | None:
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, 4096).decode("utf-8", "replace").strip()
    try:
        return Holder(**json.loads(text)) if text else None
    except (ValueError, TypeError):
        return None


def acquire(warehouse: Path, run_id: str, launched_by: str) -> Holder | None:
    """Hold the lock for `run_id` (again a no-op); returns the stale holder it took over, if any.

    Raises BuildLocked naming the running build when another process holds it.
    """
    path = lock_path(warehouse)
    held = _held.get(path)
    if held is not None:
        if held[1] == run_id:
            return None
        release(warehouse)  # an earlier run of this process ended without releasing
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _read(fd)
        os.close(fd)
        who = holder.describe() if holder else "a process that has not yet written its name"
        raise BuildLocked(
            f"another build of {warehouse} is running ({who}); lock file {path}. "
            "Wait for it to finish (it publishes when done), or stop that process."
        ) from None
    stale = _read(fd)
    me = Holder(
        pid=os.getpid(),
        started=dt.datetime.now().isoformat(timespec="seconds"),
        launched_by=launched_by,
        run_id=run_id,
        host=socket.gethostname(),
    )
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, json.dumps(me.__dict__).encode("utf-8"))
    os.fsync(fd)
    _held[path] = (fd, run_id)
    return stale if stale is not None and stale.pid != os.getpid() else None


def release(warehouse: Path) -> None:
    path = lock_path(warehouse)
    held = _held.pop(path, None)
    if held is None:
        return
    fd, _ = held
    os.ftruncate(fd, 0)
    os.close(fd)  # closing the descriptor releases the flock


def holder(warehouse: Path) -> Holder | None:
    """Who holds (or last held) the lock, for messages; None when nobody ever did."""
    path = lock_path(warehouse)
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        return _read(fd)
    finally:
        os.close(fd)
