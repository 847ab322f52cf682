"""The design loop: generation of process prose by the small model, and its deterministic structuring
into a flowsheet and P&ID (:mod:`autochem.designer.structure`)."""
