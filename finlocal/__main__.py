from finlocal.cli import main

main()
