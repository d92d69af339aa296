"""The errors lifetui reports to users: one line each, with the exit status they deserve."""

from __future__ import annotations


class LifeError(Exception):
    """An error the user can act on; the CLI prints it on one line and exits with `exit_code`."""

    exit_code = 1


class UsageError(LifeError):
    """Bad input from the user: a file, an option, a rule, a size."""

    exit_code = 2


class RuleError(UsageError):
    """A rule string lifetui cannot run."""


class PatternError(UsageError):
    """A pattern file that cannot be read, located as precisely as the problem allows."""

    def __init__(self, source: str, message: str, line: int | None = None, column: int | None = None):
        self.source = source
        self.message = message
        self.line = line
        self.column = column
        location = source
        if line is not None:
            location += f":{line}"
            if column is not None:
                location += f":{column}"
        super().__init__(f"{location}: {message}")
