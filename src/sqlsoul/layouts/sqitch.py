"""Placeholder until the sqitch layout lands: never detected."""

NAME = "sqitch"


def detect(folder, names, loader):  # type: ignore[no-untyped-def]
    return False
