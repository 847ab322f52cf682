"""Word lists the deterministic judge reads text with: stop words, chemistry vocabulary, element symbols.

Deliberately plain sets (no embeddings, no model): the judge must be instant, reproducible and explainable
("'platinum' is not in the context") — it is the floor under the LM judges, not a replacement for them.
"""

from __future__ import annotations

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having
    he her here hers him his how i if in into is it its itself just may me might more most must my no nor not
    now of off on once only or other our ours out over own per same she should so some such than that the
    their theirs them then there these they this those through thus to too under until up upon very via was
    we were what when where which while who whom why will with within without would you your yours one two
    three many much used use uses using usually typically generally mainly often then therefore however
    whereas around approximately roughly near typical""".split()
)

# Words of a question that say what kind of answer is wanted, not what it is about.
QUESTION_WORDS = frozenset(
    """what which why how describe explain name state give list tell outline summarize compare discuss
    main key role purpose done happen happens does do""".split()
)

# Domain words that carry no checkable claim (every process text has them).
GENERIC_DOMAIN = frozenset(
    """process processes plant unit units reaction reactions reactor reactors temperature temperatures pressure
    pressures condition conditions catalyst catalysts feed feeds product products stream streams step steps
    stage stages industrial production produce produced produces yield operate operated operating operation
    system control controls controller controllers loop loops valve valves gas gases liquid liquids mixture
    acid acids oxide oxides rate high low higher lower bar mpa kpa atm degc °c c k percent mol kg tonne
    tonnes per equipment section""".split()
)

# Substances, catalysts, materials: a response naming one the context does not name is making a claim
# the context cannot back (the typical wrong-fact error: a swapped catalyst or reagent).
SUBSTANCES = frozenset(
    """iron platinum rhodium vanadium nickel copper zinc silver palladium cobalt molybdenum chromium iridium
    ruthenium titanium aluminium aluminum alumina silica zeolite zeolites magnesium potassium sodium calcium
    lithium bismuth manganese tungsten rhenium mercury tin gold cerium zirconium phosphorus boron
    bromide bromine iodide iodine chlorine chloride chlorides fluoride fluorine hydrogen nitrogen oxygen
    argon helium ammonia methane ethane propane butane pentane hexane ethylene propylene butadiene butene
    benzene toluene xylene p-xylene paraxylene naphtha methanol ethanol propanol butanol acetone phenol cumene
    styrene ethylbenzene acetaldehyde formaldehyde acetylene syngas water steam air carbon coke coal graphite
    sulfur sulphur sulfuric sulphuric nitric nitrous hydrochloric phosphoric acetic formic hydrofluoric
    caustic lime limestone quicklime gypsum brine salt soda bicarbonate carbonate sulfate sulphate nitrate
    nitrite phosphate hydroxide peroxide hydroperoxide oleum magnetite hematite rutile ilmenite apatite
    fluorapatite anthraquinone anthrahydroquinone hydroquinone caprolactam cyclohexanone cyclohexane oxime
    hydroxylamine urea carbamate biuret melamine dichloroethane chloroform vinyl polyvinyl pvc vcm edc
    acrylonitrile propylene butyraldehyde aldehyde aldehydes maleic anhydride terephthalic isophthalic
    glycol glycols ethoxylate polyethylene polypropylene polystyrene nylon ziegler-natta metallocene
    phosphine triphenylphosphine carbonyl carbonyls nafion asbestos diaphragm membrane mercury amalgam
    glycerol monoethylene diethylene triethylene dioxide monoxide trioxide pentoxide tetrachloride
    hydrochloride hydride cyanide hcn acetonitrile ethylene-oxide silver-based iron-based copper-based
    pt-rh co-mo ni-mo como nimo vpo molybdate bismuth-molybdate chromia zinc-oxide""".split()
)

# Unit operations, equipment and control vocabulary: swapping one for another (condensation ↔ distillation,
# fail-closed ↔ fail-open) is also a checkable claim.
OPERATIONS = frozenset(
    """condensation condenser condensed condenses distillation distilled distillation-column absorption
    absorber absorbed adsorption adsorber extraction extracted crystallization crystallizer evaporation
    evaporator evaporated filtration filtered filter electrolysis electrolytic electrolyzer calcination
    calcined calcining hydrogenation hydrogenated dehydrogenation oxidation oxidized oxidised oxidizes
    chlorination oxychlorination carbonylation hydration hydrolysis polymerization polymerisation cracking
    cracked pyrolysis reforming reformer shift stripping stripper scrubbing scrubber quench quenched
    neutralization neutralized precipitation precipitated prilling granulation flashing flash decanter
    decantation centrifuge dryer drying compressor compression turbine expander furnace fired boiler
    heat-exchanger exchanger intercooling intercooler refrigeration refrigerated recycle recycled purge
    purged fluidized fluidised fixed-bed packed-bed multitubular tubular autoclave riser regenerator
    gauze monolith pellets anode cathode cell cells electrode electrodes rearrangement beckmann ammoxidation
    alkylation transalkylation isomerization esterification saponification hydroformylation chlorohydrin
    cascade feedforward feed-forward ratio split-range override selector interlock trip shutdown voting
    1oo1 1oo2 2oo3 2oo2 sil sis bpcs fail-closed fail-open fail-safe air-to-open air-to-close
    proportional integral derivative setpoint master slave primary secondary orifice venturi coriolis
    magnetic vortex ultrasonic thermocouple rtd transmitter surge anti-surge relief rupture
    psv prv mawp three-element two-element single-element shrink swell deadtime dead-time lag
    square-root linear equal-percentage rangeability turndown""".split()
)

DOMAIN_TERMS = SUBSTANCES | OPERATIONS | GENERIC_DOMAIN

# Periodic-table symbols, to tell a chemical formula (V2O5, NaOH) from an acronym (PVC, SIL).
ELEMENT_SYMBOLS = frozenset(
    """H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr Rb Sr
    Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu Hf Ta W
    Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu""".split()
)

# Phrases by which a model declines instead of answering.
REFUSAL_PATTERNS = (
    r"\bi (?:cannot|can ?not|can't|am unable to|am not able to|won't|will not) (?:help|answer|provide|assist)",
    r"\bi'?m (?:sorry|unable|not able)\b",
    r"\bas an ai\b",
    r"\bi (?:do not|don't) (?:know|have (?:access|enough information|information))",
    r"\b(?:unable|not possible) to (?:help|answer|provide|determine)\b",
    r"\bno information (?:is )?available\b",
)

# A response ending on one of these words stopped mid-sentence.
DANGLING_WORDS = frozenset(
    """a an the and or but of to with at in on by for from into onto over under than that which who whose
    is are was were be been being as its their this these those such both either neither via per between
    about around roughly approximately nearly almost some against during through while whereas because since so if then where when its""".split()
)
