from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import fsspec
import pytest

from autochem.errors import InvalidArgument, NotFound
from autochem.storage import ArtifactRef, ArtifactStore


def test_put_is_content_addressed_and_idempotent(tmp_path):
    store = ArtifactStore(tmp_path.as_uri())
    data = b"nitric acid process design" * 100
    ref = store.put_bytes(data, "text/plain")
    assert ref.sha256 == hashlib.sha256(data).hexdigest()
    assert ref.size_bytes == len(data)
    assert ref.uri.endswith(f"/sha256/{ref.sha256[:2]}/{ref.sha256}")
    again = store.put_bytes(data, "text/plain")
    assert again == ref
    files = [p for p in Path(tmp_path).rglob("*") if p.is_file()]
    assert len(files) == 1, files  # no temp files left behind, one object
    assert store.get_bytes(ref) == data
    assert store.exists(ref.sha256)


def test_tampered_content_is_detected(tmp_path):
    store = ArtifactStore(tmp_path.as_uri())
    ref = store.put_bytes(b"original")
    fs, path = fsspec.core.url_to_fs(ref.uri)
    with fs.open(path, "wb") as fh:
        fh.write(b"tampered")
    with pytest.raises(InvalidArgument, match="does not match"):
        store.get_bytes(ref)


def test_missing_and_oversize(tmp_path):
    store = ArtifactStore(tmp_path.as_uri(), max_bytes=10)
    with pytest.raises(NotFound):
        store.get_bytes(ArtifactRef(uri=(tmp_path / "nope").as_uri(), sha256="0" * 64, size_bytes=0))
    with pytest.raises(InvalidArgument, match="limit"):
        store.put_bytes(b"x" * 11)


def test_concurrent_writers_of_the_same_bytes(tmp_path):
    store = ArtifactStore(tmp_path.as_uri())
    data = b"same bytes" * 1000
    refs, errors = [], []

    def put():
        try:
            refs.append(store.put_bytes(data))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=put) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len({r.uri for r in refs}) == 1
    assert store.get_bytes(refs[0]) == data


def test_memory_filesystem_url_works():
    store = ArtifactStore("memory://autochem-test-artifacts")
    ref = store.put_bytes(b"{}", "application/json")
    assert ref.uri.startswith("memory://")
    assert store.get_bytes(ref) == b"{}"


def test_proto_round_trip(tmp_path):
    ref = ArtifactStore(tmp_path.as_uri()).put_bytes(b"abc", "application/json")
    assert ArtifactRef.from_proto(ref.to_proto()) == ref
