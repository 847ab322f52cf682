"""Domain vocabulary for the deterministic extractor: unit operations, hazards, condition units.

Chemical names come from the ``chemicals`` package's name/CAS database (see
:mod:`autochem.knowledge.chemnames`); this module holds what no chemistry database lists: the words
process engineers use for equipment and for hazards, and how conditions are written.
"""

from __future__ import annotations

import re

# Longest phrases first so "fixed-bed reactor" wins over "reactor". Value: the unit type of the data
# model (autochem.domain) the phrase most often means.
UNIT_OPERATIONS: dict[str, str] = {
    "fixed-bed reactor": "reactor",
    "fixed bed reactor": "reactor",
    "fluidized-bed reactor": "reactor",
    "fluidised-bed reactor": "reactor",
    "multitubular reactor": "reactor",
    "tubular reactor": "reactor",
    "loop reactor": "reactor",
    "bubble column": "reactor",
    "converter": "reactor",
    "reactor": "reactor",
    "autoclave": "reactor",
    "neutralizer": "reactor",
    "oxidizer": "reactor",
    "burner": "reactor",
    "reformer": "reactor",
    "cracking furnace": "furnace",
    "cracker": "furnace",
    "furnace": "furnace",
    "kiln": "furnace",
    "waste-heat boiler": "heat_exchanger",
    "waste heat boiler": "heat_exchanger",
    "heat exchanger": "heat_exchanger",
    "feed-effluent exchanger": "heat_exchanger",
    "economizer": "heat_exchanger",
    "superheater": "heat_exchanger",
    "preheater": "heater",
    "heater": "heater",
    "reboiler": "heat_exchanger",
    "condenser": "heat_exchanger",
    "cooler": "cooler",
    "chiller": "cooler",
    "quench tower": "column",
    "quench": "column",
    "absorption tower": "column",
    "absorption column": "column",
    "absorber": "column",
    "stripping column": "column",
    "stripper": "column",
    "scrubber": "column",
    "distillation column": "column",
    "fractionation column": "column",
    "fractionator": "column",
    "rectifying column": "column",
    "extractive distillation": "column",
    "reactive distillation": "column",
    "column": "column",
    "flash drum": "flash_drum",
    "knockout drum": "flash_drum",
    "separator": "flash_drum",
    "decanter": "decanter",
    "settler": "decanter",
    "evaporator": "evaporator",
    "crystallizer": "crystallizer",
    "centrifuge": "centrifuge",
    "rotary dryer": "dryer",
    "spray dryer": "dryer",
    "dryer": "dryer",
    "drier": "dryer",
    "filter": "filter",
    "cyclone": "cyclone",
    "compressor": "compressor",
    "blower": "compressor",
    "expander": "turbine",
    "turbine": "turbine",
    "pump": "pump",
    "mixer": "mixer",
    "static mixer": "mixer",
    "storage tank": "tank",
    "tank": "tank",
    "electrolyzer": "electrolyzer",
    "electrolyser": "electrolyzer",
    "membrane cell": "electrolyzer",
    "prilling tower": "granulator",
    "granulator": "granulator",
    "psa unit": "adsorber",
    "pressure swing adsorption": "adsorber",
    "adsorber": "adsorber",
    "molecular sieve": "adsorber",
    "thickener": "decanter",
    "clarifier": "decanter",
    "deaerator": "column",
    "ejector": "ejector",
    "flare": "flare",
    "incinerator": "furnace",
    "thermal oxidizer": "furnace",
}

HAZARDS: dict[str, str] = {
    "toxic": "toxicity",
    "toxicity": "toxicity",
    "corrosive": "corrosion",
    "corrosion": "corrosion",
    "flammable": "flammability",
    "flammability": "flammability",
    "explosive": "explosion",
    "explosion": "explosion",
    "runaway": "thermal runaway",
    "decomposition": "decomposition",
    "asphyxiant": "asphyxiation",
    "carcinogen": "carcinogenicity",
    "carcinogenic": "carcinogenicity",
    "oxidizer": "oxidizing agent",
    "detonation": "explosion",
    "polymerization": "uncontrolled polymerization",
    "burns": "chemical burns",
}

# A number (or range) followed by a unit. Ranges use -, – or "to".
_NUM = r"[-+]?\d+(?:[.,]\d+)?"
CONDITION = re.compile(
    rf"(?P<value>{_NUM}(?:\s*(?:-|–|—|to)\s*{_NUM})?)\s*"
    r"(?P<unit>°\s?C|°\s?F|K(?![a-zA-Z])|bar[ag]?|MPa|kPa|Pa(?![a-zA-Z])|atm|psig|psia|psi|mbar|"
    r"wt\s?%|mol\s?%|vol\s?%|%|h-1|h⁻¹|t/d|t/h|kt/a|kt/y|kg/h|m3/h|m³/h|kJ/mol|MJ/kg|ppm|ppmv)"
)
CONDITION_KIND = {
    "°C": "temperature",
    "°F": "temperature",
    "K": "temperature",
    "bar": "pressure",
    "barg": "pressure",
    "bara": "pressure",
    "MPa": "pressure",
    "kPa": "pressure",
    "Pa": "pressure",
    "atm": "pressure",
    "psig": "pressure",
    "psia": "pressure",
    "psi": "pressure",
    "mbar": "pressure",
    "kJ/mol": "heat of reaction",
    "MJ/kg": "heat",
    "%": "fraction",
    "wt%": "fraction",
    "mol%": "fraction",
    "vol%": "fraction",
    "ppm": "concentration",
    "ppmv": "concentration",
    "t/d": "capacity",
    "t/h": "capacity",
    "kt/a": "capacity",
    "kt/y": "capacity",
    "kg/h": "flow",
    "m3/h": "flow",
    "m³/h": "flow",
    "h-1": "space velocity",
    "h⁻¹": "space velocity",
}

# ISA-5.1 instrument tags written in prose: TIC-101, FIC 2101, PSV-12A, LAHH-301.
INSTRUMENT_TAG = re.compile(r"\b(?P<tag>[A-Z]{2,5}-?\s?\d{2,5}[A-Z]?)\b")
_ISA_FIRST = set("AFLPTQSWXZIHKDEJMNOUVY")

NAMED_PROCESS = re.compile(
    r"\b(?P<name>(?:[A-Z][A-Za-z]+(?:[-–][A-Z][A-Za-z]+)?|contact|chloride|sulfate|chlor-alkali|wet|"
    r"anthraquinone|cumene|oxo|Claus|Solvay)\s+(?:process|route|cycle|synthesis|reaction|rearrangement))\b"
)

CATALYST = re.compile(
    r"\b(?:over|on|using|with|catalys[e|i]d by|catalyz[e|i]d by)\s+(?:an?\s+|the\s+)?"
    r"(?P<cat>[A-Za-z0-9/–\-() ]{2,60}?)\s+catalysts?\b"
    r"|\b(?P<cat2>[A-Z][A-Za-z0-9/–\-]{1,30}(?:\s+[A-Za-z0-9/–\-]{1,20}){0,2})\s+catalysts?\b"
)


def is_instrument_tag(tag: str) -> bool:
    letters = re.match(r"[A-Z]+", tag)
    return (
        bool(letters)
        and letters.group(0)[0] in _ISA_FIRST
        and not tag.startswith(("CAS", "ISO", "EN", "API"))
    )


# Industry abbreviations that no chemistry database lists as synonyms, mapped to a name it does know.
ABBREVIATIONS: dict[str, str] = {
    "EO": "ethylene oxide",
    "EG": "ethylene glycol",
    "MEG": "ethylene glycol",
    "DEG": "diethylene glycol",
    "TEG": "triethylene glycol",
    "PO": "propylene oxide",
    "DME": "dimethyl ether",
    "MEA": "monoethanolamine",
    "DEA": "diethanolamine",
    "TEA": "triethanolamine",
    "MDEA": "methyldiethanolamine",
    "BPA": "bisphenol A",
    "PTA": "terephthalic acid",
    "TPA": "terephthalic acid",
    "DMT": "dimethyl terephthalate",
    "MMA": "methyl methacrylate",
    "NMP": "N-methyl-2-pyrrolidone",
    "GBL": "gamma-butyrolactone",
    "IPA": "isopropanol",
    "MEK": "methyl ethyl ketone",
    "MIBK": "methyl isobutyl ketone",
    "VCM": "vinyl chloride",
    "EDC": "1,2-dichloroethane",
    "ACN": "acrylonitrile",
    "AN": "acrylonitrile",
    "HCN": "hydrogen cyanide",
    "MTBE": "methyl tert-butyl ether",
    "ETBE": "ethyl tert-butyl ether",
    "EB": "ethylbenzene",
    "SM": "styrene",
    "AA": "acrylic acid",
    "MA": "maleic anhydride",
    "MAN": "maleic anhydride",
    "PA": "phthalic anhydride",
    "CHP": "cumene hydroperoxide",
    "ACH": "acetone cyanohydrin",
    "TCS": "trichlorosilane",
    "DMF": "dimethylformamide",
    "DMSO": "dimethyl sulfoxide",
    "THF": "tetrahydrofuran",
    "AN solution": "ammonium nitrate",
    "UAN": "urea ammonium nitrate",
    "DAP": "diammonium phosphate",
    "MAP": "monoammonium phosphate",
    "SAP": "sulfuric acid",
    "H2O2": "hydrogen peroxide",
    "APAP": "paracetamol",
    "ASA": "acetylsalicylic acid",
    "EC": "ethylene carbonate",
    "DMC": "dimethyl carbonate",
    "LiPF6": "lithium hexafluorophosphate",
    "PX": "p-xylene",
    "BD": "1,3-butadiene",
}
