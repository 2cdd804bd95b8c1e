"""Placeholder until the flyway layout lands: never detected."""

NAME = "flyway"


def detect(folder, names, loader):  # type: ignore[no-untyped-def]
    return False
