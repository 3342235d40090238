from pairaid.cli import main

main()
