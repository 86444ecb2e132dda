from phrasebook.cli import main

main()
