"""Domain errors shared by services, the bus and the libraries.

They carry no transport types: the gRPC runtime maps each to a status code
(autochem.rpc.errors), and the event bus treats ``InvalidArgument`` as non-retryable.
"""

from __future__ import annotations


class AutoChemError(Exception):
    """Base of every error the libraries raise on purpose. ``retryable`` tells callers whether a retry may help."""

    retryable = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidArgument(AutoChemError):
    """Input is wrong. ``field`` names the offending field by path (e.g. ``flowsheet.units[2].tag``)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}" if field else reason)
        self.field = field
        self.reason = reason


class NotFound(AutoChemError):
    """The named thing does not exist."""


class AlreadyExists(AutoChemError):
    """Creating something that is already there."""


class FailedPrecondition(AutoChemError):
    """The system is not in a state where the request can run (e.g. no model loaded yet)."""


class ResourceExhausted(AutoChemError):
    """A bounded queue, budget or quota is full; retry later."""

    retryable = True


class Unavailable(AutoChemError):
    """A dependency (broker, database, another service) cannot be reached right now."""

    retryable = True


class DeadlineExceeded(AutoChemError):
    """The work did not finish within its time limit."""

    retryable = True


class Unauthenticated(AutoChemError):
    """No or unknown credentials."""


class PermissionDenied(AutoChemError):
    """Credentials are known but not allowed to do this."""
