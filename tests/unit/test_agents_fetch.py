"""SafeFetcher: SSRF payloads never connect, redirects are re-checked per hop, the connection is pinned to
the vetted address, and size, type and time limits hold. Only 127.0.0.1 is ever contacted: names are
"resolved" by a fake getaddrinfo, and blocked targets are pointed at a canary listener that counts
connections."""

from __future__ import annotations

import hashlib
import ipaddress
import select
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from pydantic import ValidationError

from autochem.agents import fetch as fetch_module
from autochem.agents.fetch import (
    FetchBlocked,
    FetchSettings,
    SafeFetcher,
    UnsupportedContent,
    blocked_address_reason,
    ip_literal,
    normalise_host,
)
from autochem.errors import DeadlineExceeded, InvalidArgument, ResourceExhausted, Unavailable

PAGE_HTML = "<html><body><h1>Nitric acid</h1><p>The Ostwald process oxidises ammonia.</p></body></html>"
SMALL_LIMIT = 1000


class CanaryListener:
    """A listening socket on 127.0.0.1 that counts every TCP connection made to it."""

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.port = self._sock.getsockname()[1]
        self._lock = threading.Lock()
        self._count = 0
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _accept_ready(self, timeout: float) -> bool:
        readable, _, _ = select.select([self._sock], [], [], timeout)
        if not readable:
            return False
        with self._lock:
            try:
                self._sock.setblocking(False)
                conn, _ = self._sock.accept()
            except (BlockingIOError, OSError):
                return False
            self._count += 1
        conn.close()
        return True

    def _serve(self) -> None:
        while not self._stopping.is_set():
            self._accept_ready(0.05)

    def connections(self) -> int:
        """Connections so far, including any still waiting in the kernel's accept queue."""
        while self._accept_ready(0):
            pass
        with self._lock:
            return self._count

    def close(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=2)
        self._sock.close()


@pytest.fixture
def canary() -> Iterator[CanaryListener]:
    listener = CanaryListener()
    yield listener
    listener.close()


class _Handler(BaseHTTPRequestHandler):
    server: _TestServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self.server.hosts_seen.append(self.headers.get("Host", ""))
        path = urlsplit(self.path).path
        canary = self.server.canary_port
        redirects = {
            "/redirect/canary": f"http://127.0.0.1:{canary}/",
            "/redirect/metadata": "http://169.254.169.254/latest/meta-data/iam/",
            "/redirect/localhost": f"http://localhost:{canary}/",
            "/redirect/decimal": f"http://2130706433:{canary}/",
            "/redirect/mapped": f"http://[::ffff:127.0.0.1]:{canary}/",
            "/redirect/file": "file:///etc/passwd",
            "/redirect/relative": "/page",
            "/redirect/loop": "/redirect/loop",
        }
        if path in redirects:
            self._send(307 if path == "/redirect/decimal" else 302, b"", {"Location": redirects[path]})
        elif path == "/page":
            body = PAGE_HTML.encode()
            self._send(
                200, body, {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(len(body))}
            )
        elif path == "/echo-host":
            self._send(200, self.headers.get("Host", "").encode(), {"Content-Type": "text/plain"})
        elif path == "/big":  # no Content-Length: the limit must hold while streaming
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            for _ in range(4):
                self.wfile.write(b"x" * SMALL_LIMIT)
        elif path == "/big-declared":
            self._send(200, b"short", {"Content-Type": "text/plain", "Content-Length": "50000000"})
        elif path == "/binary":
            self._send(200, b"\x00\x01\x02", {"Content-Type": "application/octet-stream"})
        elif path == "/no-type":
            self._send(200, b"what am I", {})
        elif path == "/gzip":
            self._send(200, b"\x1f\x8b", {"Content-Type": "text/html", "Content-Encoding": "gzip"})
        elif path == "/latin1":
            self._send(
                200, "Café chimique".encode("latin-1"), {"Content-Type": "text/plain; charset=ISO-8859-1"}
            )
        elif path == "/unknown-charset":
            self._send(200, "Café".encode(), {"Content-Type": "text/plain; charset=x-no-such-codec"})
        elif path == "/invalid-utf8":
            self._send(200, b"ok \xff\xfe end", {"Content-Type": "text/plain"})
        elif path == "/drip":  # each byte comes quickly; only the total budget can stop it
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            try:
                while not self.server.stopping.wait(0.02):
                    self.wfile.write(b"x")
                    self.wfile.flush()
            except OSError:
                pass
        elif path == "/stall":
            self.server.stopping.wait(5)
        else:
            self._send(404, b"not found", {"Content-Type": "text/plain"})


class _TestServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, canary_port: int) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.canary_port = canary_port
        self.hosts_seen: list[str] = []
        self.stopping = threading.Event()

    @property
    def port(self) -> int:
        return self.server_address[1]


def _serve(server: _TestServer) -> Iterator[_TestServer]:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.stopping.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=2)


@pytest.fixture
def web(canary: CanaryListener) -> Iterator[_TestServer]:
    yield from _serve(_TestServer(canary.port))


def _fetcher(web: _TestServer, **settings: object) -> SafeFetcher:
    return SafeFetcher(FetchSettings(allow_hosts=[f"127.0.0.1:{web.port}"], **settings))


class FakeDns:
    """Answers socket.getaddrinfo from ``answers``; numeric hosts go to the real resolver (no network),
    any other name fails, so no test can reach a real DNS server. ``lookups`` records every call."""

    def __init__(self) -> None:
        self.answers: dict[str, list[str]] = {}
        self.lookups: list[str] = []
        self._real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(self, host, port, family=0, type=0, proto=0, flags=0):
        name = host.decode() if isinstance(host, bytes) else host
        self.lookups.append(name)
        if name in self.answers:
            results = []
            for address in self.answers[name]:
                if ipaddress.ip_address(address).version == 6:
                    results.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0)))
                else:
                    results.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)))
            return results
        try:
            ipaddress.ip_address(name)
        except ValueError:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known (fake DNS)") from None
        return self._real_getaddrinfo(host, port, family, type, proto, flags)


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> FakeDns:
    dns = FakeDns()
    monkeypatch.setattr(socket, "getaddrinfo", dns.getaddrinfo)
    return dns


# -- SSRF payloads -------------------------------------------------------------------------------------

SSRF_PAYLOADS = [
    "http://127.0.0.1:{port}/",
    "https://127.0.0.1:{port}/",
    "http://localhost:{port}/",
    "http://LOCALHOST:{port}/admin",
    "http://localhost.:{port}/",
    "http://api.localhost:{port}/",
    "http://[::1]:{port}/",
    "http://2130706433:{port}/",
    "http://017700000001:{port}/",
    "http://0x7f000001:{port}/",
    "http://0x7f.0.0.1:{port}/",
    "http://0x7f.1:{port}/",
    "http://0177.0.0.1:{port}/",
    "http://127.1:{port}/",
    "http://127.0.1:{port}/",
    "http://127.000.000.001:{port}/",
    "http://127.0.0.1.:{port}/",
    "http://0.0.0.0:{port}/",
    "http://0:{port}/",
    "http://[::]:{port}/",
    "http://169.254.169.254:{port}/latest/meta-data/",
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "http://metadata.google.internal:{port}/computeMetadata/v1/",
    "http://metadata:{port}/",
    "http://[::ffff:127.0.0.1]:{port}/",
    "http://[::ffff:7f00:1]:{port}/",
    "http://[::127.0.0.1]:{port}/",
    "http://[2002:7f00:1::1]:{port}/",
    "http://[64:ff9b::7f00:1]:{port}/",
    "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]:{port}/",
    "http://10.0.0.1:{port}/",
    "http://192.168.1.1:{port}/",
    "http://172.16.0.1:{port}/",
    "http://100.64.0.1:{port}/",
    "http://[fc00::1]:{port}/",
    "http://[fd00:ec2::254]:{port}/",
    "http://[fe80::1]:{port}/",
    "http://[fe80::1%25lo]:{port}/",
    "http://224.0.0.1:{port}/",
    "http://240.0.0.1:{port}/",
    "http://255.255.255.255:{port}/",
    "http://%31%32%37.0.0.1:{port}/",
    "http://%6c%6f%63%61%6c%68%6f%73%74:{port}/",
    "http://\uff11\uff12\uff17.\uff10.\uff10.\uff11:{port}/",  # full-width digits
    "http://127\u30020\u30020\u30021:{port}/",  # ideographic full stops
    "http://\u24db\u24de\u24d2\u24d0\u24db\u24d7\u24de\u24e2\u24e3:{port}/",  # circled "localhost"
    "http://1.2.3.999999:{port}/",
    "http://intranet:{port}/",
    "http://user:pass@127.0.0.1:{port}/",
    "http://example.com@127.0.0.1:{port}/",
    "http://:{port}/",
    "http:///etc/passwd",
    "http://127.0.0.1\t:{port}/",
    "http://127.0.0.1:{port}\\@example.com/",
    "file:///etc/passwd",
    "gopher://127.0.0.1:{port}/_GET%20/",
    "ftp://127.0.0.1:{port}/",
    "dict://127.0.0.1:{port}/",
    "data:text/html,<p>hi</p>",
    "javascript:alert(1)",
    "//127.0.0.1:{port}/",
]


def test_payload_list_is_broad() -> None:
    assert len(SSRF_PAYLOADS) >= 24


@pytest.mark.parametrize("template", SSRF_PAYLOADS)
def test_ssrf_payload_is_blocked_without_connecting(template: str, canary: CanaryListener) -> None:
    url = template.replace("{port}", str(canary.port))
    with pytest.raises(FetchBlocked) as caught:
        SafeFetcher(FetchSettings(total_timeout_s=2)).fetch(url)
    assert isinstance(caught.value, InvalidArgument)
    assert caught.value.field == "url"
    assert canary.connections() == 0


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://2130706433/", "resolves to 127.0.0.1 (loopback)"),
        ("http://0x7f.0.0.1/", "resolves to 127.0.0.1 (loopback)"),
        ("http://169.254.169.254/", "resolves to 169.254.169.254 (link-local, cloud metadata service)"),
        ("http://[::ffff:127.0.0.1]/", "IPv4-mapped IPv6 address of 127.0.0.1"),
        ("http://100.64.0.1/", "(shared address space (CGNAT))"),
        ("http://[fc00::1]/", "(unique local (ULA))"),
        ("http://10.1.2.3/", "resolves to 10.1.2.3 (private)"),
        ("http://metadata.google.internal/", "names the internal host 'metadata.google.internal'"),
        ("file:///etc/passwd", "only http and https"),
        ("http://u:p@example.com/", "userinfo"),
    ],
)
def test_blocked_error_names_url_and_reason(url: str, reason: str) -> None:
    with pytest.raises(FetchBlocked) as caught:
        SafeFetcher().fetch(url)
    assert caught.value.url == url
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    ("name", "addresses"),
    [
        ("evil.example", ["127.0.0.1"]),
        ("127.0.0.1.nip.io", ["127.0.0.1"]),
        ("v6.example", ["::1"]),
        ("metadata.example", ["169.254.169.254"]),
        ("mixed.example", ["93.184.216.34", "10.0.0.1"]),  # ANY bad address blocks the host
        ("mapped.example", ["::ffff:10.0.0.1"]),
        ("cgnat.example", ["100.100.100.200"]),
    ],
)
def test_names_resolving_inside_are_blocked(
    name: str, addresses: list[str], fake_dns: FakeDns, canary: CanaryListener
) -> None:
    fake_dns.answers[name] = addresses
    with pytest.raises(FetchBlocked, match="resolves to"):
        SafeFetcher().fetch(f"http://{name}:{canary.port}/")
    assert canary.connections() == 0


def test_unresolvable_name_is_unavailable(fake_dns: FakeDns) -> None:
    with pytest.raises(Unavailable, match="cannot resolve"):
        SafeFetcher().fetch("http://no-such-host.example/")


def test_public_addresses_are_not_blocked() -> None:
    for address in ("93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "2002:5db8:d822::1"):
        assert blocked_address_reason(ipaddress.ip_address(address)) is None, address


def test_host_normalisation() -> None:
    assert normalise_host("Example.COM.") == "example.com"
    assert normalise_host("b\u00fccher.example") == "xn--bcher-kva.example"
    assert normalise_host("%65xample.com") == "example.com"
    assert ip_literal("127.1") == ipaddress.ip_address("127.0.0.1")
    assert ip_literal("example.com") is None
    with pytest.raises(ValueError):
        normalise_host("exa mple.com")


# -- the connection is pinned to the vetted address ------------------------------------------------------


def test_connects_to_vetted_address_with_original_host_header(web: _TestServer, fake_dns: FakeDns) -> None:
    fake_dns.answers["corpus.test"] = ["127.0.0.1"]
    fetcher = SafeFetcher(FetchSettings(allow_hosts=[f"corpus.test:{web.port}"]))
    page = fetcher.fetch(f"http://corpus.test:{web.port}/echo-host")
    assert page.text == f"corpus.test:{web.port}"
    # Resolved once, by the vetting; the connection used that answer instead of looking up again.
    assert fake_dns.lookups.count("corpus.test") == 1


def test_dns_rebinding_after_the_check_does_not_matter(
    web: _TestServer, fake_dns: FakeDns, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_dns.answers["rebind.test"] = ["127.0.0.1"]
    resolved: list[str] = []
    real_resolve = fetch_module._resolve

    def resolve_then_rebind(*args, **kwargs):
        addresses = real_resolve(*args, **kwargs)
        resolved.append(str(addresses[0]))
        # The attacker's DNS now answers differently (127.0.0.2: refused at once if it were ever used).
        fake_dns.answers["rebind.test"] = ["127.0.0.2"]
        return addresses

    monkeypatch.setattr(fetch_module, "_resolve", resolve_then_rebind)
    fetcher = SafeFetcher(FetchSettings(allow_hosts=[f"rebind.test:{web.port}"]))
    page = fetcher.fetch(f"http://rebind.test:{web.port}/page")
    assert page.status == 200
    assert resolved == ["127.0.0.1"]


def test_allow_list_is_per_port(web: _TestServer, canary: CanaryListener) -> None:
    with pytest.raises(FetchBlocked):
        SafeFetcher(FetchSettings(allow_hosts=[f"127.0.0.1:{web.port}"])).fetch(
            f"http://127.0.0.1:{canary.port}/"
        )
    assert canary.connections() == 0


def test_canary_counts_a_real_connection(canary: CanaryListener) -> None:
    """The harness is not vacuous: an allow-listed fetch to the canary is seen."""
    fetcher = SafeFetcher(FetchSettings(allow_hosts=[f"127.0.0.1:{canary.port}"], total_timeout_s=2))
    with pytest.raises((Unavailable, DeadlineExceeded)):
        fetcher.fetch(f"http://127.0.0.1:{canary.port}/")
    assert canary.connections() == 1


# -- redirects -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "blocked_hop"),
    [
        ("/redirect/canary", "http://127.0.0.1:{canary}/"),
        ("/redirect/metadata", "http://169.254.169.254/latest/meta-data/iam/"),
        ("/redirect/localhost", "http://localhost:{canary}/"),
        ("/redirect/decimal", "http://2130706433:{canary}/"),
        ("/redirect/mapped", "http://[::ffff:127.0.0.1]:{canary}/"),
        ("/redirect/file", "file:///etc/passwd"),
    ],
)
def test_redirect_hop_is_checked(
    path: str, blocked_hop: str, web: _TestServer, canary: CanaryListener
) -> None:
    with pytest.raises(FetchBlocked) as caught:
        _fetcher(web).fetch(f"http://127.0.0.1:{web.port}{path}")
    assert caught.value.url == blocked_hop.replace("{canary}", str(canary.port))
    assert canary.connections() == 0


def test_relative_redirect_is_followed(web: _TestServer) -> None:
    start = f"http://127.0.0.1:{web.port}/redirect/relative"
    page = _fetcher(web).fetch(start)
    assert page.status == 200
    assert page.redirects == (start,)
    assert page.final_url == f"http://127.0.0.1:{web.port}/page"
    assert page.url == start


def test_redirect_limit(web: _TestServer) -> None:
    with pytest.raises(FetchBlocked, match="redirects more than 3 times"):
        _fetcher(web, max_redirects=3).fetch(f"http://127.0.0.1:{web.port}/redirect/loop")


# -- the page and its limits -----------------------------------------------------------------------------


def test_allow_listed_page_is_fetched(web: _TestServer) -> None:
    page = _fetcher(web).fetch(f"http://127.0.0.1:{web.port}/page#fragment")
    body = PAGE_HTML.encode()
    assert page.status == 200
    assert page.content_type == "text/html"
    assert page.charset == "utf-8"
    assert page.text == PAGE_HTML
    assert page.sha256 == hashlib.sha256(body).hexdigest()
    assert page.size_bytes == len(body)
    assert page.redirects == ()
    assert page.fetched_at.tzinfo is UTC
    assert page.final_url == f"http://127.0.0.1:{web.port}/page"
    assert web.hosts_seen == [f"127.0.0.1:{web.port}"]


def test_streamed_body_over_limit_is_an_error(web: _TestServer) -> None:
    url = f"http://127.0.0.1:{web.port}/big"
    with pytest.raises(ResourceExhausted) as caught:
        _fetcher(web, max_bytes=SMALL_LIMIT).fetch(url)
    assert url in str(caught.value)
    assert f"{SMALL_LIMIT}-byte limit" in str(caught.value)


def test_declared_length_over_limit_is_refused_before_reading(web: _TestServer) -> None:
    with pytest.raises(ResourceExhausted, match="50000000 bytes"):
        _fetcher(web, max_bytes=SMALL_LIMIT).fetch(f"http://127.0.0.1:{web.port}/big-declared")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/binary", "application/octet-stream"),
        ("/no-type", "(none)"),
        ("/gzip", "content encoding 'gzip'"),
    ],
)
def test_unreadable_content_is_refused(path: str, message: str, web: _TestServer) -> None:
    with pytest.raises(UnsupportedContent) as caught:
        _fetcher(web).fetch(f"http://127.0.0.1:{web.port}{path}")
    assert message in str(caught.value)


def test_total_budget_stops_a_dripping_server(web: _TestServer) -> None:
    fetcher = _fetcher(web, total_timeout_s=0.3, read_timeout_s=5)
    with pytest.raises(DeadlineExceeded, match="budget"):
        fetcher.fetch(f"http://127.0.0.1:{web.port}/drip")


def test_total_budget_stops_a_silent_server(web: _TestServer) -> None:
    with pytest.raises(DeadlineExceeded):
        _fetcher(web, total_timeout_s=0.3, read_timeout_s=5).fetch(f"http://127.0.0.1:{web.port}/stall")


def test_read_timeout(web: _TestServer) -> None:
    with pytest.raises(DeadlineExceeded, match="timed out"):
        _fetcher(web, total_timeout_s=10, read_timeout_s=0.2).fetch(f"http://127.0.0.1:{web.port}/stall")


@pytest.mark.parametrize(
    ("path", "charset", "text"),
    [
        ("/latin1", "iso-8859-1", "Café chimique"),
        ("/unknown-charset", "utf-8", "Café"),
        ("/invalid-utf8", "utf-8", "ok \ufffd\ufffd end"),
    ],
)
def test_text_is_decoded_with_declared_charset_or_utf8(
    path: str, charset: str, text: str, web: _TestServer
) -> None:
    page = _fetcher(web).fetch(f"http://127.0.0.1:{web.port}{path}")
    assert page.charset == charset
    assert page.text == text


def test_refused_connection_is_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    fetcher = SafeFetcher(FetchSettings(allow_hosts=[f"127.0.0.1:{closed_port}"], total_timeout_s=2))
    with pytest.raises(Unavailable):
        fetcher.fetch(f"http://127.0.0.1:{closed_port}/")


def test_settings_defaults_and_validation() -> None:
    settings = FetchSettings()
    assert settings.max_bytes == 2 * 1024 * 1024
    assert settings.total_timeout_s == 15
    assert settings.max_redirects == 5
    assert settings.allowed_content_types == [
        "text/html",
        "application/xhtml+xml",
        "text/plain",
        "text/markdown",
    ]
    assert FetchSettings(allow_hosts=["corpus.internal:8080", "[::1]:9000", "Corpus.Example"]).allow_hosts
    for bad in ("http://corpus.example/", "user@corpus.example", "host:notaport", ""):
        with pytest.raises(ValidationError):
            FetchSettings(allow_hosts=[bad])


# -- TLS: certificate and SNI are checked for the name while the socket goes to the pinned IP --------------


def _self_signed(tmp_path: Path, name: str) -> tuple[Path, Path]:
    cert, key = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", f"/CN={name}",
         "-addext", f"subjectAltName=DNS:{name}"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_web(tmp_path: Path, canary: CanaryListener) -> Iterator[tuple[_TestServer, Path, list[str]]]:
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    cert, key = _self_signed(tmp_path, "corpus.test")
    server_names: list[str] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda _sock, name, _ctx: server_names.append(name)
    server = _TestServer(canary.port)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    for running in _serve(server):
        yield running, cert, server_names


def test_https_verifies_the_name_on_the_pinned_connection(
    tls_web: tuple[_TestServer, Path, list[str]], fake_dns: FakeDns
) -> None:
    server, cert, server_names = tls_web
    fake_dns.answers["corpus.test"] = ["127.0.0.1"]
    fetcher = SafeFetcher(
        FetchSettings(allow_hosts=[f"corpus.test:{server.port}"], total_timeout_s=5),
        ssl_context=ssl.create_default_context(cafile=str(cert)),
    )
    page = fetcher.fetch(f"https://corpus.test:{server.port}/echo-host")
    assert page.text == f"corpus.test:{server.port}"
    assert server_names == ["corpus.test"]


def test_https_certificate_for_another_name_is_refused(
    tls_web: tuple[_TestServer, Path, list[str]], fake_dns: FakeDns
) -> None:
    server, cert, _ = tls_web
    fake_dns.answers["other.test"] = ["127.0.0.1"]
    fetcher = SafeFetcher(
        FetchSettings(allow_hosts=[f"other.test:{server.port}"], total_timeout_s=5),
        ssl_context=ssl.create_default_context(cafile=str(cert)),
    )
    with pytest.raises(Unavailable):
        fetcher.fetch(f"https://other.test:{server.port}/page")
