"""Generate Python protobuf/gRPC code and .pyi stubs from protos/autochem/v1.

One entry point (``make protos``) so that the freshness test can regenerate into a temporary
directory with exactly the same options and compare.
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PROTO_ROOT = REPO_ROOT / "protos"


def proto_files() -> list[Path]:
    return sorted((PROTO_ROOT / "autochem" / "v1").glob("*.proto"))


def generate(out_dir: Path) -> list[Path]:
    """Run protoc on every proto into ``out_dir``; return the files written (relative to out_dir)."""
    from grpc_tools import protoc

    out_dir.mkdir(parents=True, exist_ok=True)
    well_known = resources.files("grpc_tools") / "_proto"
    files = [str(p.relative_to(PROTO_ROOT)) for p in proto_files()]
    args = [
        "protoc",
        f"-I{PROTO_ROOT}",
        f"-I{well_known}",
        f"--python_out={out_dir}",
        f"--pyi_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        *files,
    ]
    rc = protoc.main(args)
    if rc != 0:
        raise RuntimeError(f"protoc failed with exit code {rc}: {' '.join(args)}")
    pkg = out_dir / "autochem" / "v1"
    init = pkg / "__init__.py"
    init.write_text('"""Generated from protos/autochem/v1 by `make protos`; do not edit."""\n')
    return sorted(p.relative_to(out_dir) for p in pkg.iterdir() if p.is_file())


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else REPO_ROOT / "libs"
    written = generate(out)
    print(f"generated {len(written)} files under {out / 'autochem' / 'v1'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
