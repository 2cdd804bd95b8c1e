"""Placeholder until the diesel layout lands: never detected."""

NAME = "diesel"


def detect(folder, names, loader):  # type: ignore[no-untyped-def]
    return False
