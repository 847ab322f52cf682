"""Fetching web pages for the research agents without letting a URL reach the inside network (SSRF).

A URL a model proposes, or a page redirects to, is attacker-controlled: it may name the cloud metadata
service, a loopback admin port or a private host, directly, as an encoded IP (``2130706433``,
``0x7f.1``), through DNS, or through a redirect. Every hop is checked the same way before any connection:

1. http/https only, no userinfo, a host that normalises (percent-decoding, IDNA, case, trailing dot) to
   letters, digits, dots, hyphens and underscores, or to an IP literal;
2. the host is resolved once; every resolved address must be globally routable, unless the host (or
   host:port) is in ``allow_hosts``;
3. the connection goes to one of those vetted addresses. The address is pinned: nothing looks the name
   up a second time, so a DNS answer that changes between check and use (rebinding) cannot matter.

The body is streamed under a byte limit, and one time budget covers the whole fetch, redirects included.
"""

from __future__ import annotations

import codecs
import hashlib
import ipaddress
import re
import socket
import ssl
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeoutError
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit

import httpcore
from pydantic import BaseModel, Field, field_validator

from autochem.errors import DeadlineExceeded, InvalidArgument, ResourceExhausted, Unavailable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ALLOWED_SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_URL_CHARS = 8192

# Names that reach this machine or the cloud provider's internal services. They are refused by name
# before any lookup: /etc/hosts or a split-horizon resolver could map them anywhere.
_BLOCKED_NAMES = frozenset(
    {
        "localhost",
        "localhost.localdomain",
        "ip6-localhost",
        "ip6-loopback",
        "metadata",
        "metadata.google.internal",
        "instance-data",
        "kubernetes",
        "kubernetes.default",
    }
)
# Special-use or conventionally internal suffixes (RFC 6761 .localhost, mDNS .local, GCP/AWS .internal,
# RFC 8375 home.arpa, Kubernetes .svc).
_BLOCKED_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa", ".svc")
_HOST_NAME = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*")
# A last label that is a number makes the whole host an IPv4 literal (WHATWG URL rules, and what
# glibc's inet_aton accepts: 127.1, 0x7f.0.0.1, 0177.0.0.1, 2130706433).
_NUMERIC_LABEL = re.compile(r"0x[0-9a-f]*|[0-9]+")
# Spaces, control characters and backslashes are where URL parsers disagree with each other; no
# legitimate URL needs them unescaped.
_UNSAFE_URL_CHARS = re.compile(r"[\x00-\x20\x7f\\]")

_CGNAT = ipaddress.IPv4Network("100.64.0.0/10")
_RFC1918 = (
    ipaddress.IPv4Network("10.0.0.0/8"),
    ipaddress.IPv4Network("172.16.0.0/12"),
    ipaddress.IPv4Network("192.168.0.0/16"),
)
_ULA = ipaddress.IPv6Network("fc00::/7")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_CLOUD_METADATA = frozenset(
    {ipaddress.IPv4Address("169.254.169.254"), ipaddress.IPv4Address("169.254.170.2")}
)

# getaddrinfo has no timeout of its own; it runs here so the fetch's time budget bounds it.
_RESOLVER = ThreadPoolExecutor(max_workers=4, thread_name_prefix="safe-fetch-resolve")


class FetchBlocked(InvalidArgument):
    """The URL, or a redirect hop, points where the research agents must not go."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__("url", f"{_shorten(url)} {reason}")
        self.url = url
        self.blocked_because = reason


class UnsupportedContent(InvalidArgument):
    """The server answered with a body the agents do not read (content type or encoding)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__("content_type", f"{_shorten(url)}: {reason}")
        self.url = url


class FetchSettings(BaseModel):
    max_bytes: int = Field(
        2 * 1024 * 1024,
        ge=1,
        description="Largest body read; a longer one raises ResourceExhausted (never silently truncated).",
    )
    connect_timeout_s: float = Field(5.0, gt=0, description="Seconds to open one TCP connection and TLS.")
    read_timeout_s: float = Field(
        10.0, gt=0, description="Seconds one socket read or write may wait for the server."
    )
    total_timeout_s: float = Field(
        15.0,
        gt=0,
        description="Budget for the whole fetch (resolution, every redirect hop, the body); beyond it "
        "DeadlineExceeded.",
    )
    max_redirects: int = Field(5, ge=0, le=20, description="Redirects followed; one more is refused.")
    allowed_content_types: list[str] = Field(
        default_factory=lambda: ["text/html", "application/xhtml+xml", "text/plain", "text/markdown"],
        description="Media types whose body is read; any other answer is refused before the body.",
    )
    allow_hosts: list[str] = Field(
        default_factory=list,
        description="'host' or 'host:port' entries exempt from the private-address and host-name checks "
        "(tests, the internal corpus server). Scheme, userinfo, size, type and time checks still apply.",
    )
    user_agent: str = Field("AutoChem-research-agent/0.1", description="User-Agent header sent.")

    @field_validator("allowed_content_types")
    @classmethod
    def _lower_media_types(cls, value: list[str]) -> list[str]:
        return [media_type.strip().lower() for media_type in value]

    @field_validator("allow_hosts")
    @classmethod
    def _parse_allow_hosts(cls, value: list[str]) -> list[str]:
        for entry in value:
            _parse_allow_entry(entry)  # raises ValueError, which pydantic reports
        return value


@dataclass(frozen=True)
class FetchedPage:
    url: str  # as requested
    final_url: str  # after redirects, normalised
    status: int
    content_type: str  # media type without parameters
    charset: str  # the one the text was decoded with
    text: str
    fetched_at: datetime
    redirects: tuple[str, ...]  # every URL that answered with a redirect, in order
    sha256: str  # of the body bytes as received
    size_bytes: int


@dataclass(frozen=True)
class _Target:
    """One vetted hop: where to connect (``addresses``) and what to ask for."""

    url: str  # normalised: scheme://host[:port]/path?query, no fragment
    scheme: str
    host: str  # ASCII host name, or canonical IP (IPv6 without brackets)
    port: int
    addresses: tuple[IPAddress, ...]
    request_target: str  # path?query

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"


class _Deadline:
    """The end of the fetch's time budget; clamps every socket operation's timeout to what is left."""

    def __init__(self, budget_s: float) -> None:
        self.budget_s = budget_s
        self._ends_at = time.monotonic() + budget_s

    def remaining(self) -> float:
        return self._ends_at - time.monotonic()

    def expired(self) -> bool:
        return self.remaining() <= 0

    def clamp(self, timeout: float | None, timeout_error: type[Exception]) -> float:
        remaining = self.remaining()
        if remaining <= 0:
            raise timeout_error("total time budget used up")
        return remaining if timeout is None else min(timeout, remaining)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read, write and TLS handshake ends by the fetch's deadline, so a
    server that drips one byte at a time cannot stretch the fetch past ``total_timeout_s``."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: _Deadline) -> None:
        self._stream = stream
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._deadline.clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._deadline.clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        clamped = self._deadline.clamp(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, clamped), self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _PinnedBackend(httpcore.NetworkBackend):
    """The IP pinning. httpcore hands its network backend the URL's host name; this backend ignores the
    name and connects to the addresses vetted for it, so no second DNS lookup happens. Everything above
    the socket still uses the name: the Host header comes from the URL, and httpcore passes the URL host
    to TLS as server_hostname, so SNI and certificate verification are for the name, not the IP."""

    def __init__(self, target: _Target, deadline: _Deadline) -> None:
        self._target = target
        self._deadline = deadline
        self._sockets = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        if (host, port) != (self._target.host, self._target.port):
            # Only reachable if httpcore itself were to open another origin (a proxy, say).
            raise httpcore.ConnectError(f"{host}:{port} is not the vetted target of this hop")
        failure: Exception | None = None
        for address in self._target.addresses:
            try:
                stream = self._sockets.connect_tcp(
                    str(address),
                    port,
                    timeout=self._deadline.clamp(timeout, httpcore.ConnectTimeout),
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as exc:  # try the next vetted address, like create_connection
                failure = exc
                continue
            return _DeadlineStream(stream, self._deadline)
        raise failure or httpcore.ConnectError("no address to connect to")

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are never used by the safe fetcher")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class SafeFetcher:
    """Fetches one http(s) URL at a time under :class:`FetchSettings`; see the module docstring.

    Any answer that is not a redirect is returned with its status (a 404 page is still a page); what
    fails a check raises. Blocking; async callers run ``fetch`` in a thread (``asyncio.to_thread``).
    ``ssl_context`` replaces the system trust store (an internal CA); it must keep hostname verification on.
    """

    def __init__(self, settings: FetchSettings | None = None, *, ssl_context: ssl.SSLContext | None = None):
        self.settings = settings or FetchSettings()
        self._ssl_context = ssl_context or ssl.create_default_context()
        self._allowed = frozenset(_parse_allow_entry(entry) for entry in self.settings.allow_hosts)

    def fetch(self, url: str) -> FetchedPage:
        deadline = _Deadline(self.settings.total_timeout_s)
        redirects: list[str] = []
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            target = self._vet(current, deadline)
            answer = self._get(target, deadline)
            if answer.location is None:
                return FetchedPage(
                    url=url,
                    final_url=target.url,
                    status=answer.status,
                    content_type=answer.media_type,
                    charset=answer.charset,
                    text=answer.body.decode(answer.charset, errors="replace"),
                    fetched_at=datetime.now(UTC),
                    redirects=tuple(redirects),
                    sha256=hashlib.sha256(answer.body).hexdigest(),
                    size_bytes=len(answer.body),
                )
            redirects.append(target.url)
            # Relative locations resolve against the hop that sent them; the result is vetted afresh.
            current = urljoin(target.url, answer.location)
        raise FetchBlocked(url, f"redirects more than {self.settings.max_redirects} times")

    # -- checks ------------------------------------------------------------------------------------

    def _vet(self, url: str, deadline: _Deadline) -> _Target:
        if len(url) > MAX_URL_CHARS:
            raise FetchBlocked(url, f"is longer than {MAX_URL_CHARS} characters")
        if _UNSAFE_URL_CHARS.search(url):
            raise FetchBlocked(url, "contains spaces, control characters or backslashes")
        try:
            parts = urlsplit(url)
            explicit_port = parts.port
        except ValueError as exc:
            raise FetchBlocked(url, f"does not parse as a URL ({exc})") from None
        scheme = parts.scheme.lower()
        if scheme not in ALLOWED_SCHEMES:
            raise FetchBlocked(url, f"uses scheme {scheme or '(none)'!r}; only http and https are fetched")
        if "@" in parts.netloc:
            raise FetchBlocked(url, "carries userinfo (user:password@); credentials are never sent")
        port = explicit_port if explicit_port is not None else DEFAULT_PORTS[scheme]
        if port == 0:
            raise FetchBlocked(url, "names port 0")
        if not parts.hostname:
            raise FetchBlocked(url, "has an empty host")
        try:
            host = normalise_host(parts.hostname)
            literal = ip_literal(host)
        except ValueError as exc:
            raise FetchBlocked(url, str(exc)) from None
        if literal is not None:
            host = str(literal)
        allow_listed = (host, port) in self._allowed or (host, None) in self._allowed
        if literal is not None:
            addresses: tuple[IPAddress, ...] = (literal,)
        else:
            if not allow_listed:
                why = blocked_host_name(host)
                if why:
                    raise FetchBlocked(url, why)
            addresses = _resolve(host, port, url, deadline)
        if not allow_listed:
            for address in addresses:
                why = blocked_address_reason(address)
                if why:
                    raise FetchBlocked(url, f"resolves to {address} ({why})")
        request_target = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
        if parts.query:
            request_target += "?" + quote(parts.query, safe="/?%:@!$&'()*+,;=-._~")
        url_host = f"[{host}]" if ":" in host else host
        port_part = "" if port == DEFAULT_PORTS[scheme] else f":{port}"
        return _Target(
            url=f"{scheme}://{url_host}{port_part}{request_target}",
            scheme=scheme,
            host=host,
            port=port,
            addresses=addresses,
            request_target=request_target,
        )

    # -- the request ---------------------------------------------------------------------------------

    def _get(self, target: _Target, deadline: _Deadline) -> _Answer:
        settings = self.settings
        request_url = httpcore.URL(
            scheme=target.scheme.encode(),
            host=target.host.encode("ascii"),
            port=target.port,
            target=target.request_target.encode("ascii"),
        )
        headers = [
            (b"Host", target.host_header.encode("ascii")),
            (b"User-Agent", settings.user_agent.encode("ascii", errors="replace")),
            (b"Accept", ", ".join(settings.allowed_content_types).encode("ascii", errors="replace")),
            # Compressed bodies are refused rather than inflated: the size limit must hold for what is
            # decoded, and a decompression bomb is a few kilobytes on the wire.
            (b"Accept-Encoding", b"identity"),
            (b"Connection", b"close"),
        ]
        timeouts = {
            "connect": settings.connect_timeout_s,
            "read": settings.read_timeout_s,
            "write": settings.read_timeout_s,
            "pool": settings.connect_timeout_s,
        }
        # A fresh pool per hop: its only backend is pinned to this hop's vetted addresses. httpcore (unlike
        # httpx) reads no proxy settings from the environment, so nothing can route around the pin.
        pool = httpcore.ConnectionPool(
            ssl_context=self._ssl_context,
            max_connections=1,
            retries=0,
            http1=True,
            http2=False,
            network_backend=_PinnedBackend(target, deadline),
        )
        try:
            with (
                pool,
                pool.stream(
                    "GET", request_url, headers=headers, extensions={"timeout": timeouts}
                ) as response,
            ):
                return self._read_answer(target, response, deadline)
        except httpcore.TimeoutException as exc:
            if deadline.expired():
                raise DeadlineExceeded(
                    f"fetching {_shorten(target.url)} took longer than the {deadline.budget_s:g} s budget"
                ) from None
            raise DeadlineExceeded(f"fetching {_shorten(target.url)} timed out ({exc})") from None
        except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol) as exc:
            raise Unavailable(
                f"fetching {_shorten(target.url)} failed: {type(exc).__name__}: {exc}"
            ) from None

    def _read_answer(self, target: _Target, response: httpcore.Response, deadline: _Deadline) -> _Answer:
        status = response.status
        headers = {
            name.decode("latin-1").lower(): value.decode("latin-1") for name, value in response.headers
        }
        location = headers.get("location")
        if status in REDIRECT_STATUSES and location:
            return _Answer(status=status, location=location.strip())
        media_type, charset = _parse_content_type(headers.get("content-type", ""))
        if media_type not in self.settings.allowed_content_types:
            raise UnsupportedContent(
                target.url,
                f"content type {media_type or '(none)'!r} is not one of {self.settings.allowed_content_types}",
            )
        encoding = headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            raise UnsupportedContent(target.url, f"content encoding {encoding!r} is not read (identity only)")
        limit = self.settings.max_bytes
        declared = headers.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > limit:
            raise ResourceExhausted(
                f"{_shorten(target.url)}: body of {int(declared)} bytes exceeds the {limit}-byte limit"
            )
        body = bytearray()
        for chunk in response.iter_stream():
            body += chunk
            if len(body) > limit:
                raise ResourceExhausted(f"{_shorten(target.url)}: body exceeds the {limit}-byte limit")
            if deadline.expired():  # the per-read clamp covers waits; this covers a fast endless stream
                raise httpcore.ReadTimeout("total time budget used up")
        return _Answer(status=status, media_type=media_type, charset=charset, body=bytes(body))


@dataclass(frozen=True)
class _Answer:
    status: int
    location: str | None = None
    media_type: str = ""
    charset: str = "utf-8"
    body: bytes = b""


# -- checks usable on their own ----------------------------------------------------------------------


def normalise_host(raw_host: str) -> str:
    """The ASCII form of a URL host (no brackets for IPv6); ValueError says why it is unusable.

    Percent-escapes are decoded and internationalised names go through IDNA (which also maps full-width
    digits and ideographic full stops to ASCII), so every spelling of a host reaches the same checks.
    """
    host = unquote(raw_host)
    if not host:
        raise ValueError("has an empty host")
    if ":" in host:
        if "%" in host:
            raise ValueError("names an IPv6 zone (interface); link-scoped addresses are never fetched")
        try:
            return str(ipaddress.IPv6Address(host))
        except ValueError:
            raise ValueError(f"has an invalid IPv6 literal {host!r}") from None
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise ValueError(f"has a host that is not a valid domain name: {host!r}") from None
    if ascii_host.endswith("."):  # "localhost." is localhost
        ascii_host = ascii_host[:-1]
    if not _HOST_NAME.fullmatch(ascii_host):
        raise ValueError(f"has a host with characters outside [a-z0-9._-] or empty labels: {ascii_host!r}")
    return ascii_host


def ip_literal(host: str) -> IPAddress | None:
    """The address a normalised host spells, in any form glibc accepts (decimal, hex, octal, short)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if not _NUMERIC_LABEL.fullmatch(host.rsplit(".", 1)[-1]):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        raise ValueError(f"has a host {host!r} that looks like an IPv4 address but is not one") from None


def blocked_host_name(host: str) -> str | None:
    """Why a (non-literal, normalised) host name is refused before resolving it, or None."""
    if host in _BLOCKED_NAMES or host.endswith(_BLOCKED_SUFFIXES):
        return f"names the internal host {host!r}"
    if "." not in host:
        # A single label is completed with the resolver's search domains: an intranet name.
        return f"names the single-label host {host!r}, which resolves through local search domains"
    return None


def blocked_address_reason(address: IPAddress) -> str | None:
    """Why connecting to ``address`` could reach something internal, or None for a global address."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return f"IPv4-mapped IPv6 address of {address.ipv4_mapped}"
        if address in _IPV4_COMPATIBLE and not (address.is_unspecified or address.is_loopback):
            return "IPv4-compatible IPv6 address"
        if address.sixtofour is not None:
            inner = blocked_address_reason(address.sixtofour)
            if inner:
                return f"6to4 address embedding {address.sixtofour}, {inner}"
        if address.teredo is not None:
            return "Teredo tunnel address"
        if address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
            inner = blocked_address_reason(embedded)
            if inner:
                return f"NAT64 address embedding {embedded}, {inner}"
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local, cloud metadata service" if address in _CLOUD_METADATA else "link-local"
    if isinstance(address, ipaddress.IPv4Address):
        if address in _CGNAT:
            return "shared address space (CGNAT)"
        if any(address in network for network in _RFC1918):
            return "private"
    elif address in _ULA:
        return "unique local (ULA)"
    elif address.is_site_local:
        return "site-local"
    if address.is_multicast:
        return "multicast"
    if address.is_reserved:
        return "reserved"
    if address.is_private or not address.is_global:
        return "special-purpose, not globally routable"
    return None


# -- helpers -----------------------------------------------------------------------------------------


def _parse_allow_entry(entry: str) -> tuple[str, int | None]:
    parts = urlsplit("//" + entry.strip())
    try:
        port = parts.port
        if not parts.hostname or parts.username is not None or parts.path:
            raise ValueError
        host = normalise_host(parts.hostname)
        literal = ip_literal(host)
    except ValueError:
        raise ValueError(f"allow_hosts entry {entry!r} is not 'host' or 'host:port'") from None
    return (str(literal) if literal is not None else host), port


def _resolve(host: str, port: int, url: str, deadline: _Deadline) -> tuple[IPAddress, ...]:
    # Looked up through socket.getaddrinfo at call time (tests replace it to fake DNS answers).
    lookup = _RESOLVER.submit(
        socket.getaddrinfo, host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    try:
        infos = lookup.result(timeout=max(deadline.remaining(), 0.0))
    except FutureTimeoutError:
        raise DeadlineExceeded(f"resolving {host} for {_shorten(url)} took longer than the budget") from None
    except (socket.gaierror, UnicodeError) as exc:
        raise Unavailable(f"cannot resolve {host} for {_shorten(url)}: {exc}") from None
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canonname, sockaddr in infos:
        # An IPv6 answer may carry a zone ("fe80::1%eth0"); the bare address is what gets classified.
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise Unavailable(f"{host} has no address ({_shorten(url)})")
    return tuple(addresses)


def _parse_content_type(header: str) -> tuple[str, str]:
    """(media type, charset) of a Content-Type header; the charset falls back to utf-8 when the declared
    one is missing or unknown to Python (decoding then replaces what does not fit)."""
    media_type, _, params = header.partition(";")
    charset = "utf-8"
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            declared = value.strip().strip("\"'").lower()
            if declared and _is_text_codec(declared):
                charset = declared
    return media_type.strip().lower(), charset


def _is_text_codec(name: str) -> bool:
    try:
        # Refuses bytes-to-bytes codecs (zlib, base64) that a header could name.
        return codecs.lookup(name)._is_text_encoding  # type: ignore[attr-defined]
    except LookupError:
        return False


def _shorten(url: str, limit: int = 200) -> str:
    return url if len(url) <= limit else url[:limit] + "..."
