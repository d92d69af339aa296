"""`python -m lifetui` runs the command line."""

from lifetui.cli import main

main()
