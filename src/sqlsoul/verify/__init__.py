"""sqlsoul verify: run migrations on a real PostgreSQL (server.py starts or reaches it, run.py applies
each unit up, down and up again, snapshot.py compares catalogs, crosscheck.py checks the lint model,
rules.py holds the findings' rules)."""
