"""Placeholder until the liquibase layout lands: never detected."""

NAME = "liquibase"


def detect(folder, names, loader):  # type: ignore[no-untyped-def]
    return False
