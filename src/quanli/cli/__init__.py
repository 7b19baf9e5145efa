"""The command line: thin typer commands that parse options, call one function and map the result to an
exit code. ``app`` holds the shared options and the error guard; each module of ``GROUPS`` registers a
group of commands, and ``quanli --help`` lists them in this order."""

from importlib import import_module

from quanli.cli.app import app, main, new_app, records_app
from quanli.core import clickzh

GROUPS = ("checks", "history", "catalogue", "signoff", "outputs")
for _group in GROUPS:
    import_module(f"quanli.cli.{_group}")
clickzh.chinese_commands(app, new_app, records_app)

__all__ = ["app", "main"]
