"""`python -m drillcli` runs the `drill` command."""

from drillcli.cli.app import main

if __name__ == "__main__":
    main()
