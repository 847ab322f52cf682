"""Whether a failed handler attempt is retried or its event dead-lettered, and how long to wait."""

from __future__ import annotations

import enum
import random

from autochem.errors import AutoChemError


class FailureAction(enum.Enum):
    RETRY = "retry"
    DEAD_LETTER = "dead_letter"


def is_retryable(exc: BaseException) -> bool:
    """Our errors say whether a retry can help (``InvalidArgument``: never); anything else may be transient.

    Unknown exceptions (a dropped database connection, a timeout in a client library) are retried because
    the bounded attempt count sends a truly broken event to the DLQ anyway.
    """
    if isinstance(exc, AutoChemError):
        return exc.retryable
    return True


def decide_after_failure(exc: BaseException, attempt: int, max_attempts: int) -> FailureAction:
    """The action after attempt number ``attempt`` (1-based) failed with ``exc``."""
    if not is_retryable(exc) or attempt >= max_attempts:
        return FailureAction.DEAD_LETTER
    return FailureAction.RETRY


def backoff_s(attempt: int, base_ms: int, *, cap_s: float = 30.0, jitter: float = 0.1) -> float:
    """Seconds to wait after failed attempt ``attempt``: base, 2*base, 4*base, ... capped, +-``jitter``.

    Jitter keeps consumers that failed together (a database restart) from retrying in lockstep.
    """
    delay = min(cap_s, base_ms / 1000.0 * (2 ** max(0, attempt - 1)))
    return delay * (1.0 + random.uniform(-jitter, jitter))  # noqa: S311 - timing jitter, not security
