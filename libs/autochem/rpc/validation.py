"""Request validation helpers that keep servicers thin.

Both raise errors the runtime maps to INVALID_ARGUMENT with the field path in the message and in a
google.rpc.BadRequest detail, so a servicer only states the rule.
"""

from __future__ import annotations

from typing import TypeVar

import pydantic
from google.protobuf import json_format
from google.protobuf.message import Message

from autochem.errors import InvalidArgument

ModelT = TypeVar("ModelT", bound=pydantic.BaseModel)


def require(condition: object, field: str, reason: str) -> None:
    """Raise InvalidArgument(field, reason) unless ``condition`` is truthy.

    >>> require(request.top_k > 0, "top_k", "must be positive")
    """
    if not condition:
        raise InvalidArgument(field, reason)


def message_to_dict(message: Message) -> dict:
    """A proto message as plain Python data with proto field names.

    Fields without presence are included at their default ("" / 0 / []), because proto3 cannot tell
    "unset" from "empty" and a model should see exactly what the caller sent. 64-bit integers stay ints.
    """
    return json_format.MessageToDict(
        message,
        always_print_fields_with_no_presence=True,
        preserving_proto_field_name=True,
        unquote_int64_if_possible=True,
    )


def to_model(model: type[ModelT], message: Message) -> ModelT:
    """Validate a proto request against a pydantic model.

    A violation raises pydantic.ValidationError; the runtime reports each failing field by path
    (``synonyms[3]``, ``artifact.sha256``) with INVALID_ARGUMENT.
    """
    return model.model_validate(message_to_dict(message))
