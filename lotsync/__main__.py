from lotsync.cli.commands import main

main()
