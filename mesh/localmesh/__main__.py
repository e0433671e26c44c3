from localmesh.cli import main

main()
