"""Content-addressed artifact store over fsspec.

Objects live at ``<root>/sha256/<2 hex>/<full hex>``; the same bytes always get the same URI, so
a redelivered event that stores its output again writes nothing new. Reads verify the digest.
The root is any fsspec URL: ``file:///...`` by default, ``s3://bucket/prefix`` in a cluster.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

import fsspec

from autochem.errors import InvalidArgument, NotFound

_CHUNK = 1 << 20


@dataclass(frozen=True)
class ArtifactRef:
    uri: str
    sha256: str
    size_bytes: int
    media_type: str = "application/octet-stream"

    def to_proto(self):
        from autochem.v1 import common_pb2

        return common_pb2.ArtifactRef(
            uri=self.uri, sha256=self.sha256, size_bytes=self.size_bytes, media_type=self.media_type
        )

    @classmethod
    def from_proto(cls, msg) -> ArtifactRef:
        return cls(uri=msg.uri, sha256=msg.sha256, size_bytes=msg.size_bytes, media_type=msg.media_type)


class ArtifactStore:
    def __init__(self, root_url: str, max_bytes: int = 2 * 1024**3, **storage_options) -> None:
        self.fs, self.root = fsspec.core.url_to_fs(root_url, **storage_options)
        self.root = self.root.rstrip("/")
        self.max_bytes = max_bytes
        self.fs.makedirs(self.root, exist_ok=True)

    def _path(self, digest: str) -> str:
        return f"{self.root}/sha256/{digest[:2]}/{digest}"

    def _uri(self, path: str) -> str:
        return self.fs.unstrip_protocol(path)

    def put_bytes(self, data: bytes, media_type: str = "application/octet-stream") -> ArtifactRef:
        if len(data) > self.max_bytes:
            raise InvalidArgument("artifact", f"{len(data)} bytes exceeds the {self.max_bytes}-byte limit")
        digest = hashlib.sha256(data).hexdigest()
        path = self._path(digest)
        if not self.fs.exists(path):
            self.fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
            # Write beside the target and rename, so a crash never leaves a partial object under its digest.
            tmp = f"{path}.tmp-{uuid.uuid4().hex}"
            with self.fs.open(tmp, "wb") as fh:
                fh.write(data)
            try:
                self.fs.mv(tmp, path)
            except FileExistsError:  # a concurrent writer stored the same bytes first
                self.fs.rm(tmp)
        return ArtifactRef(uri=self._uri(path), sha256=digest, size_bytes=len(data), media_type=media_type)

    def get_bytes(self, ref: ArtifactRef) -> bytes:
        fs, path = fsspec.core.url_to_fs(ref.uri)
        if not fs.exists(path):
            raise NotFound(f"artifact {ref.uri} does not exist")
        h = hashlib.sha256()
        chunks = []
        with fs.open(path, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                h.update(chunk)
                chunks.append(chunk)
        if h.hexdigest() != ref.sha256:
            raise InvalidArgument("artifact.sha256", f"content of {ref.uri} does not match its digest")
        return b"".join(chunks)

    def exists(self, sha256: str) -> bool:
        return self.fs.exists(self._path(sha256))
