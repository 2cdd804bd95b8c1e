"""`python -m sqlsoul`, and the `sqlsoul` command (its entry point is `run` here)."""

import gc

# Start-up imports build many objects and no garbage cycles: a collection then only costs time
# (about 8 ms of every run). The collector is back on before the command runs.
gc.disable()
from sqlsoul.cli import run  # noqa: E402

gc.enable()

__all__ = ["run"]

if __name__ == "__main__":
    run()
