"""Typed errors: KnownError subclasses are problems a user can act on; anything else is a bug."""

from __future__ import annotations


class KnownError(Exception):
    """A problem the user can act on; `message` is plain words, `hint` says what to do."""

    title = "Something needs your attention"

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class NeedsPrivilegesError(KnownError):
    title = "Admin rights needed"


class InterfaceError(KnownError):
    title = "Network interface problem"


class TunnelInterfaceError(InterfaceError):
    title = "Not a local network"


class NetworkTooLargeError(KnownError):
    title = "Network too large"


class ConfirmationNeededError(KnownError):
    title = "Please confirm"


class ScanCancelledError(KnownError):
    title = "Scan cancelled"


class StoreError(KnownError):
    title = "Database problem"


class DatabaseTooNewError(StoreError):
    title = "Database written by a newer version"


class DatabaseCorruptError(StoreError):
    title = "Database damaged"


class DatabaseBusyError(StoreError):
    title = "Database in use"


class ForeignDatabaseError(StoreError):
    title = "Not an IoT Hygiene database"


class ImportConflictError(KnownError):
    title = "Site already exists"


class NotFoundError(KnownError):
    title = "Not found"


class NoKeyringError(KnownError):
    title = "No secure password storage"


class ConsentRequiredError(KnownError):
    title = "Authorisation needed"


class DataFileError(KnownError):
    title = "Bad data file"


class InvalidInputError(KnownError):
    title = "Please check what you entered"


class DuplicateNameError(KnownError):
    title = "Name already used"
