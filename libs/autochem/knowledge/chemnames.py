"""Chemical name → identity (CAS, preferred name) through the ``chemicals`` package's database.

That database maps names, synonyms, formulas and CAS numbers of ~70,000 compounds to one record, so
"sulphuric acid", "H2SO4" and "sulfuric acid" resolve to CAS 7664-93-9. Its synonym lists include
ordinary English words that happen to name a substance ("heat", "base", "lead" as a verb); those
are refused by a stoplist so prose does not turn into chemicals. Extra aliases (abbreviations such
as "EO" that no database lists) come from the corpus front matter.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from autochem.knowledge.vocabulary import ABBREVIATIONS

# Words that the database resolves but that prose uses in their everyday sense.
ENGLISH_STOPWORDS = frozenset(
    """a an the and or of in on at to for by with from as is are be was were it its this that these those
    into over under per via than then than both each all any some more most less least other such only also
    heat base lead feed product products gas gases oil oils salt salts acid acids light fuel fuels power
    water-free dry wet hot cold high low medium mixture solution stream streams liquid liquids vapor vapour
    solid solids phase phases unit units plant plants process processes step steps stage stages section
    catalyst catalysts reactor reactors column columns tail tails bottom bottoms top tops overhead head
    grade grades pure purity recycle purge vent vents off make up make-up ash dust mist fume fumes spent
    one two three four five six seven eight nine ten first second third main key typical typically
    iron-free free bed beds tube tubes shell layer layers film films bulk crude fresh raw final net
    no yes not can may must will would should could ion ions atom atoms agent agents tar pitch wax
    coke charge mass volume energy steam-free ac dc pH ph rate rates yield yields caps cap alcohol
    spirit spirits lime-free element elements metal metals mineral minerals sugar sugars resin resins
    """.split()
)
FUNCTION_WORDS = frozenset(
    "a an the and or of in on at to for by with from as is are be was were it its this that these those into "
    "over under per via than then both each all any some".split()
)
_FORMULA = re.compile(r"^(?:[A-Z][a-z]?\d*|\((?:[A-Z][a-z]?\d*)+\)\d*)+(?:[·.]\d*[A-Z][A-Za-z0-9]*)?$")
_WORDISH = re.compile(r"^[a-z0-9][a-z0-9,'()\-+ ]*[a-z0-9)]$|^[a-z]$")


@dataclass(frozen=True)
class ChemicalIdentity:
    cas: str
    preferred_name: str
    formula: str


class ChemicalNameResolver:
    """Looks names up in the ``chemicals`` database (lazily loaded; thread-safe; cached)."""

    def __init__(
        self, extra_aliases: dict[str, ChemicalIdentity] | None = None, *, abbreviations: bool = True
    ) -> None:
        self._aliases = {_alias_key(k): v for k, v in (extra_aliases or {}).items()}
        self._abbreviations = ABBREVIATIONS if abbreviations else {}
        self._lock = threading.Lock()

    def add_alias(self, alias: str, identity: ChemicalIdentity) -> None:
        with self._lock:
            self._aliases[_alias_key(alias)] = identity

    def resolve(self, name: str) -> ChemicalIdentity | None:
        """The identity ``name`` denotes, or None for non-chemicals and everyday words."""
        text = " ".join(name.split()).strip(" .,;:")
        if not text or len(text) > 80:
            return None
        alias = self._aliases.get(_alias_key(text))
        if alias is not None:
            return alias
        if text in self._abbreviations:  # case-sensitive: "EO" is ethylene oxide, "eo" is nothing
            full = self._abbreviations[text]
            return _lookup(full) or _lookup(full.lower())
        if looks_like_formula(text):
            return _lookup(text)
        if text.isupper() and len(text) <= 3:
            return None  # short acronyms (ICI, ISA, PFD) are organisations and documents, not compounds
        low = text.lower()
        if (
            low in ENGLISH_STOPWORDS
            or len(low) < 3
            or not _WORDISH.match(low)
            or sum(c.isalpha() for c in low) < 3
        ):
            return None
        words = low.split()
        # A trailing single letter is part of the name ("bisphenol A", "vitamin C"), not an article.
        if len(words) > 1 and (
            words[0] in FUNCTION_WORDS or (words[-1] in FUNCTION_WORDS and len(words[-1]) > 1)
        ):
            return None
        if len(words) > 1 and words[0] in ENGLISH_STOPWORDS and words[-1] in ENGLISH_STOPWORDS:
            return None
        ident = _lookup(_us_spelling(low))
        if (
            ident is not None
            and low.startswith("poly")
            and not ident.preferred_name.lower().startswith("poly")
        ):
            return None  # PubChem lists polymers as synonyms of their monomers; a polymer is not its monomer
        return ident


# Formulas without a digit that prose uses; other digit-free capital runs ("ICI", "ISA") are acronyms.
DIGITLESS_FORMULAS = frozenset(
    "CO NO HCl HF HBr HI HCN NaCl KCl NaOH KOH LiOH LiCl NaCN KCN NaF KF CaO MgO ZnO CuO NiO FeO CaF2 SiC NOCl".split()
)


def looks_like_formula(text: str) -> bool:
    # "NO2", "H2SO4", "TiO2", "CO": element symbols with counts; digit-free only from a known list.
    if not _FORMULA.match(text):
        return False
    return any(ch.isdigit() for ch in text) or text in DIGITLESS_FORMULAS


def _alias_key(text: str) -> str:
    return _us_spelling(" ".join(text.split()).lower())


def _us_spelling(text: str) -> str:
    return text.replace("sulph", "sulf").replace("aluminium", "aluminum").replace("caesium", "cesium")


@lru_cache(maxsize=200_000)
def _lookup(text: str) -> ChemicalIdentity | None:
    from chemicals.identifiers import search_chemical

    try:
        meta = search_chemical(text, autoload=False, cache=True)
    except Exception:  # the database raises ValueError (and others for odd inputs) on a miss
        return None
    return ChemicalIdentity(
        cas=str(meta.CASs), preferred_name=str(meta.common_name or text), formula=str(meta.formula or "")
    )
