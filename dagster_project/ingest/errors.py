"""The one exception ingestion raises for a delivery it cannot load."""

from __future__ import annotations


class IngestError(Exception):
    """A file or delivery that stops the load of its source; nothing of the source is changed.

    The message starts with the file and, when known, line and column
    ("raw/2020-12-25/cases.csv: line 17, column 5: ..."), so an operator can act on it
    without a stack trace.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ):
        prefix = []
        if file:
            prefix.append(file)
        position = ", ".join(
            part for part in (line is not None and f"line {line}", column is not None and f"column {column}") if part
        )
        if position:
            prefix.append(position)
        super().__init__(": ".join([*prefix, message]))
        self.message = message
        self.file = file
        self.line = line
        self.column = column

    def __reduce__(self):  # raised in a reader process, re-raised in the loading one
        return _rebuild, (self.message, self.file, self.line, self.column)


def _rebuild(message: str, file: str | None, line: int | None, column: int | None) -> IngestError:
    return IngestError(message, file=file, line=line, column=column)
