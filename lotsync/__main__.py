from lotsync.cli import main

main()
