"""What PairAid's management commands share: the argument types, and a mistake in the arguments
said in one line (argparse's own way prints the whole usage first, ten lines for `pairaid plan`)."""

import argparse
import datetime
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser

from pairaid.forms import ISO_DATE


def date_argument(text: str) -> datetime.date:
    """The one type of every option that takes a date: YYYY-MM-DD, as pages and the API take it."""
    try:
        return datetime.datetime.strptime(text, ISO_DATE[0]).date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


class OneLineErrorParser(CommandParser):
    """Django's parser, whose mistakes in the arguments are one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        if not self.called_from_command_line:
            super().error(message)  # call_command: Django raises CommandError
        self.exit(2, f"{self.prog}: {message}; see {self.prog} --help\n")


def _one_line_errors(parser: argparse.ArgumentParser) -> None:
    """Give the parser, and the parsers of its subcommands (`pairaid user grant`), one-line
    errors: Django builds them all before a command can choose their class."""
    parser.__class__ = OneLineErrorParser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for subparser in action.choices.values():
                _one_line_errors(subparser)


class OneLineErrors:
    """Mixed into a command (before Django's command class): its argument errors in one line."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)  # type: ignore[misc]
        _one_line_errors(parser)
        return parser


class Command(OneLineErrors, BaseCommand):
    """The base of PairAid's own commands."""
