"""The order of files and versions: natural, so 2 comes before 10 and V2 before V2.1 before V10."""

from __future__ import annotations

import re
from functools import cache

SortKey = tuple[tuple[int, tuple[int, ...] | str], ...]
_NUMBER = re.compile(r"(\d+(?:\.\d+)*)")


@cache  # file names repeat (up.sql, down.sql), and every history sorts its files
def natural_key(text: str) -> SortKey:
    """Sort key that orders 2 before 10 (and 2 before 2.1 before 3) and compares words case-insensitively.

    Numbers come before words, as in `ls -v`, `sort -V` and ASCII: 001_init.sql before schema.sql.
    """
    return tuple(
        (0, tuple(int(number) for number in part.split("."))) if part[0].isdigit() else (1, part.lower())
        for part in _NUMBER.split(text)
        if part
    )


def path_key(relative: str) -> tuple[tuple[SortKey, ...], str]:
    # The path itself breaks ties (001 and 1, A and a), so the order never depends on the file system.
    return tuple(natural_key(part) for part in relative.split("/")), relative
