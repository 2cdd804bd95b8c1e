"""Placeholder until the dbmate layout lands: never detected."""

NAME = "dbmate"


def detect(folder, names, loader):  # type: ignore[no-untyped-def]
    return False
