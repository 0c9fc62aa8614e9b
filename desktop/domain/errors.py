"""The one exception type users can cause, with a Chinese message the UI shows and the CLI prints."""

from __future__ import annotations


class LedgerError(Exception):
    """An error the user can cause or fix. `message` is Chinese and names the problem."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class ValidationError(LedgerError):
    """Input that breaks a rule; `field` names the offending field where there is one."""


class NotFoundError(LedgerError):
    """A record the user referred to does not exist."""


class RecordLockedError(LedgerError):
    """A record that went out in a signed ledger; changing it needs an amendment (更正) with a reason."""

    def __init__(self, message: str, *, records: list[tuple[str, int]] | None = None) -> None:
        super().__init__(message)
        self.records = records or []
