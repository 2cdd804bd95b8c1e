"""sqlsoul: a static analyzer for SQL DDL and migrations."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sqlsoul")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
