"""Tag grammars: equipment tags (R-101, P-101A) and ISA-5.1 instrument tags (TIC-101, PSV-201, FFSHH-103).

Equipment tag::

    tag    := prefix "-" number [suffix]
    prefix := 1..3 capital letters, naming the equipment class (R reactor, E exchanger, T tower ...)
    number := 1..5 digits           suffix := one capital letter (A/B for installed spares)

Which prefixes suit which equipment type is a drafting convention that differs between companies, so the
flowsheet validator reports a mismatch as a warning (see ``autochem.domain.flowsheet.UNIT_TAG_PREFIXES``);
the shape itself is enforced here.

ISA-5.1 instrument tag (functional identification, then loop identification)::

    tag         := first [variable_modifier] succeeding "-" loop [suffix]
    first       := measured/initiating variable, any capital letter (F flow, L level, P pressure, T temperature,
                   A analysis, H hand, S speed, X unclassified ...)
    variable_modifier := D differential | F ratio | J scan | K rate of change | M momentary
                         | Q integrate/totalize | S safety | X/Y/Z axis
    succeeding  := readout* [output] [function_modifier]   (at least one letter)
    readout     := A alarm | E primary element | G glass/gauge | I indicate | L light | O orifice
                   | P test point | R record | W well/probe             (each at most once)
    output      := C control | K control station | S switch | T transmit | V valve/damper | Y relay/compute
                   | Z driver/actuator | U multifunction | X unclassified | "CV" self-actuated control valve
    function_modifier := H | L | M | HH | LL | HL    (only on an alarm A or a switch S)
    loop        := 1..6 digits      suffix := one capital letter

A tag has at most five letters. Some letters are both a variable modifier and a succeeding letter (S, K, X,
Y, Z): the parser tries the reading without a modifier first (TSH = temperature switch high) and falls back
to the modifier reading (PSV = pressure *safety* valve, which as "switch + valve" would be meaningless).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EQUIPMENT_TAG_RE = re.compile(r"^(?P<prefix>[A-Z]{1,3})-(?P<number>[0-9]{1,5})(?P<suffix>[A-Z]?)$")
INSTRUMENT_TAG_RE = re.compile(r"^(?P<letters>[A-Z]{2,5})-(?P<loop>[0-9]{1,6})(?P<suffix>[A-Z]?)$")

FIRST_LETTERS: dict[str, str] = {
    "A": "analysis",
    "B": "burner, combustion",
    "C": "user's choice (often conductivity)",
    "D": "user's choice (often density)",
    "E": "voltage",
    "F": "flow",
    "G": "user's choice (often gauging, position)",
    "H": "hand",
    "I": "current",
    "J": "power",
    "K": "time, schedule",
    "L": "level",
    "M": "user's choice (often moisture)",
    "N": "user's choice",
    "O": "user's choice",
    "P": "pressure",
    "Q": "quantity",
    "R": "radiation",
    "S": "speed, frequency",
    "T": "temperature",
    "U": "multivariable",
    "V": "vibration, machine analysis",
    "W": "weight, force",
    "X": "unclassified",
    "Y": "event, state, presence",
    "Z": "position, dimension",
}
VARIABLE_MODIFIERS: dict[str, str] = {
    "D": "differential",
    "F": "ratio",
    "J": "scan",
    "K": "time rate of change",
    "M": "momentary",
    "Q": "integrate, totalize",
    "S": "safety",
    "X": "x-axis",
    "Y": "y-axis",
    "Z": "z-axis",
}
READOUT_LETTERS: dict[str, str] = {
    "A": "alarm",
    "E": "primary element",
    "G": "glass, gauge, viewing device",
    "I": "indicate",
    "L": "light",
    "O": "orifice, restriction",
    "P": "point (test connection)",
    "R": "record",
    "W": "well, probe",
}
OUTPUT_FUNCTIONS: dict[str, str] = {
    "C": "control",
    "K": "control station",
    "S": "switch",
    "T": "transmit",
    "V": "valve, damper, louver",
    "Y": "relay, compute, convert",
    "Z": "driver, actuator, final control element",
    "U": "multifunction",
    "X": "unclassified",
    "CV": "self-actuated control valve",
}
FUNCTION_MODIFIERS: dict[str, str] = {
    "H": "high",
    "L": "low",
    "M": "middle, intermediate",
    "HH": "high-high",
    "LL": "low-low",
    "HL": "high-low",
}
MAX_INSTRUMENT_LETTERS = 5


@dataclass(frozen=True)
class EquipmentTag:
    prefix: str
    number: str
    suffix: str = ""

    @classmethod
    def parse(cls, text: str) -> EquipmentTag:
        match = EQUIPMENT_TAG_RE.match(text)
        if match is None:
            raise ValueError(
                f"{text!r} is not an equipment tag: expected PREFIX-NUMBER[SUFFIX] such as R-101 or P-101A "
                "(1-3 capital letters, a dash, 1-5 digits, an optional capital letter)"
            )
        return cls(match["prefix"], match["number"], match["suffix"])

    def __str__(self) -> str:
        return f"{self.prefix}-{self.number}{self.suffix}"


@dataclass(frozen=True)
class IsaTag:
    """A parsed ISA-5.1 tag. ``letters`` is the whole functional identification (e.g. ``FFIC``)."""

    first_letter: str
    variable_modifier: str
    readouts: str
    output: str
    function_modifiers: str
    loop_number: str
    suffix: str = ""

    @classmethod
    def parse(cls, text: str) -> IsaTag:
        match = INSTRUMENT_TAG_RE.match(text)
        if match is None:
            raise ValueError(
                f"{text!r} is not an ISA-5.1 instrument tag: expected LETTERS-LOOP[SUFFIX] such as TIC-101 "
                f"(2-{MAX_INSTRUMENT_LETTERS} capital letters, a dash, 1-6 digits, an optional capital letter)"
            )
        letters = match["letters"]
        first, rest = letters[0], letters[1:]
        readings = [("", rest)]
        if rest[:1] in VARIABLE_MODIFIERS:
            readings.append((rest[0], rest[1:]))
        for modifier, succeeding in readings:
            parsed = _parse_succeeding(succeeding)
            if parsed is not None:
                readouts, output, function_modifiers = parsed
                return cls(
                    first, modifier, readouts, output, function_modifiers, match["loop"], match["suffix"]
                )
        raise ValueError(
            f"{text!r}: {letters!r} is not a valid ISA-5.1 letter combination (first letter {first!r} = "
            f"{FIRST_LETTERS[first]}; then an optional variable modifier, readout letters "
            f"{''.join(READOUT_LETTERS)}, one output function {'/'.join(OUTPUT_FUNCTIONS)}, and H/L/M modifiers "
            "only on an alarm or switch)"
        )

    @property
    def letters(self) -> str:
        return (
            self.first_letter + self.variable_modifier + self.readouts + self.output + self.function_modifiers
        )

    @property
    def is_controller(self) -> bool:
        return "C" in self.output

    @property
    def is_final_element(self) -> bool:
        """Acts on the process: a valve, damper or actuator/driver."""
        return "V" in self.output or self.output == "Z"

    @property
    def is_measurement(self) -> bool:
        """Produces a continuous signal a controller can use: a transmitter or a primary element (a PSE
        rupture disc has an E too, but the S modifier makes it a relief device, not a sensor)."""
        return self.variable_modifier != "S" and (self.output == "T" or "E" in self.readouts)

    @property
    def is_switch(self) -> bool:
        return self.output == "S"

    @property
    def is_safety_device(self) -> bool:
        """A safety relief device: PSV, TSV (valves) or PSE (rupture disc)."""
        return self.variable_modifier == "S" and (self.output == "V" or "E" in self.readouts)

    def __str__(self) -> str:
        return f"{self.letters}-{self.loop_number}{self.suffix}"


def _parse_succeeding(letters: str) -> tuple[str, str, str] | None:
    """Split succeeding letters into (readouts, output, function modifiers), or None if they do not parse.

    Trailing H/L/M are tried as function modifiers first: TAL is "alarm low", not "alarm + light".
    """
    if not letters:
        return None
    candidates = [m for m in sorted(FUNCTION_MODIFIERS, key=len, reverse=True) if letters.endswith(m)]
    for function_modifiers in [*candidates, ""]:
        head = letters[: len(letters) - len(function_modifiers)]
        split = _split_readouts_output(head)
        if split is None:
            continue
        readouts, output = split
        if function_modifiers and not ("A" in readouts or output == "S"):
            continue
        return readouts, output, function_modifiers
    return None


def _split_readouts_output(head: str) -> tuple[str, str] | None:
    if not head:
        return None
    for output in sorted(OUTPUT_FUNCTIONS, key=len, reverse=True):
        if head.endswith(output):
            readouts = head[: len(head) - len(output)]
            if _valid_readouts(readouts):
                return readouts, output
    if _valid_readouts(head):
        return head, ""
    return None


def _valid_readouts(readouts: str) -> bool:
    return all(letter in READOUT_LETTERS for letter in readouts) and len(set(readouts)) == len(readouts)


def is_equipment_tag(text: str) -> bool:
    return EQUIPMENT_TAG_RE.match(text) is not None


def is_instrument_tag(text: str) -> bool:
    try:
        IsaTag.parse(text)
    except ValueError:
        return False
    return True
