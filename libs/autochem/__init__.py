"""AutoChem: the shared library behind every service (see docs/architecture.md)."""
