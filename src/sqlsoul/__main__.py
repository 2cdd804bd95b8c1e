"""`python -m sqlsoul`, and the `sqlsoul` command (its entry point is `run` here)."""

import gc

# Start-up imports build many objects and no garbage cycles: a collection then only costs time
# (about 8 ms of every run). The collector is back on before the command runs, with what the
# imports made frozen: modules live as long as the process, and the first collections would
# otherwise walk them all (another 5 ms).
gc.disable()
from sqlsoul.cli import run  # noqa: E402

gc.freeze()
gc.enable()

__all__ = ["run"]

if __name__ == "__main__":
    run()
