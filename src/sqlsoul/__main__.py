from sqlsoul.cli import run

run()
