"""One root for every error lotsync raises on purpose, with its exit code (lotsync.core.errors)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from click.testing import CliRunner

import lotsync
from lotsync.core.errors import EXIT_USAGE, LotsyncError, UsageError


def lotsync_exceptions() -> list[type[BaseException]]:
    found = []
    for info in pkgutil.walk_packages(lotsync.__path__, "lotsync."):
        if info.name.endswith("__main__"):
            continue  # running it is the command line itself
        module = importlib.import_module(info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__ == info.name:
                found.append(value)
    return found


def test_every_public_error_of_lotsync_derives_from_the_one_root() -> None:
    public = [e for e in lotsync_exceptions() if not e.__name__.startswith("_")]

    assert len(public) >= 15
    assert [e.__qualname__ for e in public if not issubclass(e, LotsyncError)] == []


def test_the_command_line_turns_any_lotsync_error_into_its_line_and_its_exit_code() -> None:
    from lotsync.cli.commands import Commands

    group = Commands("essai")

    @group.command()
    def usage() -> None:
        raise UsageError("Semaine illisible : 2026-W60.")

    @group.command()
    def failed() -> None:
        from lotsync.adapters.backends import WriteError

        raise WriteError("Rien n'a été écrit dans collectif.xlsx : disque plein.")

    runner = CliRunner()
    assert (runner.invoke(group, ["usage"]).exit_code, runner.invoke(group, ["failed"]).exit_code) == (
        EXIT_USAGE,
        1,
    )
    assert "Rien n'a été écrit dans collectif.xlsx : disque plein." in runner.invoke(group, ["failed"]).output
