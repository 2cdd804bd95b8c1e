"""Placeholder until the goose layout lands: never detected."""

NAME = "goose"


def detect(folder, names, loader):  # type: ignore[no-untyped-def]
    return False
