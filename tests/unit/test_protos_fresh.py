"""Generated code in libs/autochem/v1 must match what `make protos` produces from protos/autochem/v1."""

from __future__ import annotations

from pathlib import Path

from autochem.protogen import REPO_ROOT, generate


def test_generated_code_is_fresh(tmp_path):
    written = generate(tmp_path)
    assert written, "no files generated"
    committed = REPO_ROOT / "libs"
    stale = []
    for rel in written:
        fresh = (tmp_path / rel).read_bytes()
        current = committed / rel
        if not current.exists() or current.read_bytes() != fresh:
            stale.append(str(rel))
    extra = sorted(
        str(p.relative_to(committed))
        for p in (committed / "autochem" / "v1").iterdir()
        if p.is_file() and Path(p.relative_to(committed)) not in set(written)
    )
    assert not stale, f"stale generated files (run `make protos`): {stale}"
    assert not extra, f"generated files without a proto (run `make protos` and delete them): {extra}"
