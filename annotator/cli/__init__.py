"""The command line (typer). `annotator --help` lists the commands."""

from annotator.cli.main import app, main

__all__ = ["app", "main"]
