"""sqlsoul: a static analyzer for SQL DDL and migrations."""

__version__ = "0.1.0"
