from quanli.cli import main

main()
