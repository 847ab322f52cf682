"""Shared base model and identifier types of the design data model."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

from autochem.domain.tags import EquipmentTag, IsaTag


class DomainModel(BaseModel):
    """Base of every design model.

    ``extra="forbid"`` so a misspelt field fails loudly; ``validate_assignment`` so that editing a model in
    place (revisions, tests seeding errors) cannot bypass the field checks; no NaN/inf, which would also
    break equality and therefore lossless round trips.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)

    # Name of the field that identifies an item inside a list (units by "tag", streams by "id" ...). Paths
    # such as ``pfd.flowsheet.units[R-101]`` use it; None means the list is addressed by position.
    path_key: ClassVar[str | None] = None


# An identifier that can sit inside a path's brackets: no brackets, no leading/trailing whitespace.
Identifier = Annotated[
    str, StringConstraints(min_length=1, max_length=2048, pattern=r"^[^\s\[\]](?:[^\[\]]*[^\s\[\]])?$")
]
# Free text that must say something.
Text = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]


def _equipment_tag(text: str) -> str:
    EquipmentTag.parse(text)
    return text


def _instrument_tag(text: str) -> str:
    IsaTag.parse(text)
    return text


EquipmentTagStr = Annotated[str, AfterValidator(_equipment_tag)]
InstrumentTagStr = Annotated[str, AfterValidator(_instrument_tag)]
