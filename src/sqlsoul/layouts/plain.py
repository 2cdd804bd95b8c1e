"""A folder of .sql scripts run one after the other in natural order (init scripts, schema files).

Each file is a unit with no down. How a runner sends them is not known: `assume_in_transaction`
says whether it wraps each file in a transaction; otherwise each file goes as one request, which
PostgreSQL runs as one implicit transaction (the simple query protocol).
"""

from __future__ import annotations

from pathlib import Path

from sqlsoul.history import History, InputFile, LayoutOptions, Loader, Part, TransactionMode, Unit

NAME = "plain"


def detect(folder: Path, files: list[InputFile], names: list[str], loader: Loader) -> bool:
    return True


def build(folder: Path, files: list[InputFile], names: list[str], loader: Loader, options: LayoutOptions) -> History:
    history = History(NAME)
    mode = TransactionMode.TRANSACTION if options.assume_in_transaction else TransactionMode.IMPLICIT
    for item, name in zip(files, names, strict=True):
        index = history.add_file(item)
        history.units.append(Unit(name, name, [Part(index)], None, mode))
    return history
