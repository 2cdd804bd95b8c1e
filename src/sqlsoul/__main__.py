from sqlsoul.cli import main

main()
