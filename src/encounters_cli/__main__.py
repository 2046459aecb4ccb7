from encounters_cli.cli import main

main()
