"""Equipment tag and ISA-5.1 instrument tag grammars."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from autochem.domain import EquipmentTag, Instrument, InstrumentType, IsaTag, Unit, UnitType
from autochem.domain.tags import is_equipment_tag, is_instrument_tag


@pytest.mark.parametrize(
    "tag", ["R-101", "E-102", "T-201", "P-101A", "P-101B", "TK-101", "KT-101", "C-1", "HX-12345"]
)
def test_valid_equipment_tags(tag):
    assert is_equipment_tag(tag)
    assert str(EquipmentTag.parse(tag)) == tag


@pytest.mark.parametrize(
    "tag",
    [
        "R101",
        "r-101",
        "R-",
        "-101",
        "R-101AB",
        "ABCD-1",
        "R-123456",
        "R 101",
        "R-10a",
        "",
        "R-101 ",
        "Ω-1",
        "R--1",
    ],
)
def test_invalid_equipment_tags(tag):
    assert not is_equipment_tag(tag)
    with pytest.raises(ValueError):
        EquipmentTag.parse(tag)


def test_equipment_tag_parts():
    assert EquipmentTag.parse("P-101A") == EquipmentTag("P", "101", "A")


@pytest.mark.parametrize(
    ("tag", "modifier", "readouts", "output", "function_modifiers"),
    [
        ("TT-101", "", "", "T", ""),
        ("TIC-101", "", "I", "C", ""),
        ("FT-1", "", "", "T", ""),
        ("FIC-101", "", "I", "C", ""),
        ("FV-101", "", "", "V", ""),
        ("LT-201", "", "", "T", ""),
        ("LIC-201", "", "I", "C", ""),
        ("LV-201", "", "", "V", ""),
        ("PT-202", "", "", "T", ""),
        ("PIC-202", "", "I", "C", ""),
        ("PV-202", "", "", "V", ""),
        ("PSV-112", "S", "", "V", ""),
        ("TSH-1", "", "", "S", "H"),
        ("AT-204", "", "", "T", ""),
        ("AIC-3", "", "I", "C", ""),
        ("FFIC-101", "F", "I", "C", ""),
        ("FFSHH-107", "F", "", "S", "HH"),
        ("PSE-1", "S", "E", "", ""),
        ("TAL-1", "", "A", "", "L"),
        ("LAHH-1", "", "A", "", "HH"),
        ("LSLL-1", "", "", "S", "LL"),
        ("XV-109", "", "", "V", ""),
        ("HS-001", "", "", "S", ""),
        ("FQI-1", "Q", "I", "", ""),
        ("PDIT-1", "D", "I", "T", ""),
        ("FCV-1", "", "", "CV", ""),
        ("FY-1", "", "", "Y", ""),
        ("TE-1A", "", "E", "", ""),
        ("TW-1", "", "W", "", ""),
        ("FO-1", "", "O", "", ""),
        ("LG-1", "", "G", "", ""),
        ("SZ-1", "", "", "Z", ""),
    ],
)
def test_valid_isa_tags_parse(tag, modifier, readouts, output, function_modifiers):
    parsed = IsaTag.parse(tag)
    assert (parsed.variable_modifier, parsed.readouts, parsed.output, parsed.function_modifiers) == (
        modifier,
        readouts,
        output,
        function_modifiers,
    )
    assert str(parsed) == tag
    assert is_instrument_tag(tag)


@pytest.mark.parametrize(
    "tag",
    [
        "T-101",  # one letter: that is equipment, not an instrument
        "TIC101",  # no dash
        "tic-101",  # lower case
        "TCI-101",  # readout after the output function
        "TH-101",  # H/L modifier without an alarm or switch
        "TLL-1",  # "low-low" of nothing
        "TICCC-1",  # not a valid combination
        "TIIC-1",  # repeated readout
        "TVC-1",  # two outputs
        "TICCCC-1",  # too long
        "TIC-",  # no loop number
        "TIC-1234567",
        "TIC-1AB",
        "FIC-1a",
        "FF-1",
    ],
)
def test_invalid_isa_tags_rejected(tag):
    assert not is_instrument_tag(tag)
    with pytest.raises(ValueError):
        IsaTag.parse(tag)


@pytest.mark.parametrize(
    ("tag", "controller", "final", "measurement", "safety"),
    [
        ("TIC-1", True, False, False, False),
        ("FV-1", False, True, False, False),
        ("FCV-1", True, True, False, False),
        ("TT-1", False, False, True, False),
        ("TE-1", False, False, True, False),
        ("PSV-1", False, True, False, True),
        ("PSE-1", False, False, False, True),
        ("TSHH-1", False, False, False, False),
        ("SZ-1", False, True, False, False),
    ],
)
def test_isa_function_classification(tag, controller, final, measurement, safety):
    parsed = IsaTag.parse(tag)
    assert (
        parsed.is_controller,
        parsed.is_final_element,
        parsed.is_measurement,
        parsed.is_safety_device,
    ) == (controller, final, measurement, safety)


def test_models_enforce_tag_grammar_on_the_tag_field():
    with pytest.raises(ValidationError) as exc:
        Unit(tag="R101", type=UnitType.REACTOR_CSTR)
    assert [e["loc"] for e in exc.value.errors()] == [("tag",)]
    with pytest.raises(ValidationError) as exc:
        Instrument(tag="TCI-1", type=InstrumentType.CONTROLLER)
    assert [e["loc"] for e in exc.value.errors()] == [("tag",)]
