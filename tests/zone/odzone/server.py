"""HTTP/1.1 serving for every listener of the zone.

One ``Listener`` is one loopback port (plain or TLS) running a threaded
``http.server``. Requests are handed to a ``Deployment`` (see
deployment.py), which applies redirects and injected faults around the
service's application and records the request. This module only knows how
to read requests robustly and write responses, including the misbehaving
ways fault injection asks for (a connection reset mid-body, a trickled
body).

Request bodies are read on demand: ``Request.body`` reads a whole (JSON)
body, ``Request.stream`` (a ``Body``) lets a handler copy an upload in
chunks, and whatever a handler leaves unread is drained before the
response, so a keep-alive connection stays in step.
"""

import http.server
import json
import re
import socket
import ssl
import struct
import sys
import threading
import time
import traceback
import urllib.parse

MAX_BODY = 256 << 20          # a body read whole (JSON, control)
MAX_DRAIN = 1 << 30           # unread upload bytes skipped to keep a connection
RESET_GRACE = 0.2


class BadBody(ValueError):
    """The request body does not follow its framing (chunked encoding)."""


class Body:
    """A request body, read incrementally from the connection.

    Handles Content-Length and chunked framing. The fault effects on
    request bodies are applied here: `limit` (reset the connection once
    that many body bytes were read) and `rate` (read at most that many
    bytes per second)."""

    def __init__(self, rfile, length=0, chunked=False):
        self._rfile = rfile
        self._remaining = length
        self._chunked = chunked
        self._chunk_left = 0
        self.done = not chunked and length == 0
        self.consumed = 0
        self.limit = None
        self.rate = None
        self.on_limit = None

    @property
    def present(self):
        """Whether the request has a body at all (empty or not)."""
        return self._chunked or self._remaining > 0 or self.consumed > 0

    def read(self, size=1 << 16):
        """Up to `size` bytes; b"" at the end of the body."""
        if self.done:
            return b""
        if self.limit is not None:
            allowed = self.limit - self.consumed
            if allowed <= 0:
                self.on_limit()          # raises: the connection is gone
            size = min(size, allowed)
        if self.rate:
            size = min(size, max(1, int(self.rate) // 10))
        data = self._read_chunked(size) if self._chunked else self._read_plain(size)
        self.consumed += len(data)
        if self.rate and data:
            time.sleep(len(data) / self.rate)
        return data

    def _read_plain(self, size):
        data = self._rfile.read(min(size, self._remaining))
        if not data:
            raise BadBody("the body ended early")
        self._remaining -= len(data)
        self.done = self._remaining == 0
        return data

    def _read_chunked(self, size):
        if self._chunk_left == 0:
            line = self._rfile.readline(1024)
            try:
                self._chunk_left = int(line.split(b";")[0].strip() or b"x", 16)
            except ValueError:
                raise BadBody("bad chunk size")
            if self._chunk_left == 0:
                while self._rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                self.done = True
                return b""
        data = self._rfile.read(min(size, self._chunk_left))
        if not data:
            raise BadBody("the body ended early")
        self._chunk_left -= len(data)
        if self._chunk_left == 0:
            self._rfile.readline(1024)
        return data

    def read_all(self, cap=MAX_BODY):
        parts, total = [], 0
        while True:
            data = self.read(1 << 20)
            if not data:
                return b"".join(parts)
            total += len(data)
            if total > cap:
                raise BadBody("body too large")
            parts.append(data)

    def drain(self, cap=MAX_DRAIN):
        """Skip the rest of the body; False when more than `cap` is left
        (the connection must then be closed)."""
        skipped = 0
        while not self.done:
            data = self.read(1 << 20)
            if not data:
                break
            skipped += len(data)
            if skipped > cap:
                return False
        return True


class Request:
    def __init__(self, method, target, headers, stream):
        self.method = method
        self.path, _, self.query = target.partition("?")
        self.headers = headers
        self.stream = stream
        self._body = None
        self.peer = None
        self.params = urllib.parse.parse_qs(self.query, keep_blank_values=True)

    @property
    def body(self):
        """The whole body (bytes), read on first use."""
        if self._body is None:
            self._body = self.stream.read_all()
        return self._body

    def header(self, name, default=None):
        return self.headers.get(name, default)


class Response:
    """A response: a bytes body, or `stream()` yielding the chunks of a
    `length`-byte body (file downloads)."""

    def __init__(self, status, body=b"", content_type=None, headers=None,
                 stream=None, length=None):
        self.status = status
        self.body = body
        self.headers = dict(headers or {})
        if content_type:
            self.headers["Content-Type"] = content_type
        self.stream = stream
        self.length = len(body) if stream is None else length

    @classmethod
    def json(cls, value, status=200, headers=None):
        # Compact UTF-8, as the real servers (jiffy) write it.
        body = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return cls(status, body.encode(), "application/json", headers)

    @property
    def is_json(self):
        return self.stream is None and \
            self.headers.get("Content-Type", "").startswith("application/json")


class ResetConnection(Exception):
    """Raised after an injected reset: the socket is gone."""


class Router:
    """Method + path-template routing. A `{name}` parameter matches one
    segment; a trailing `{name+}` matches one or more. Parameters are
    percent-decoded per segment (a multi-segment one gives a list)."""

    def __init__(self):
        self.routes = []

    def add(self, method, template, handler):
        pattern, multi = "", None
        for part in re.split(r"(\{\w+\+?\})", template):
            if part.startswith("{") and part.endswith("+}"):
                multi = part[1:-2]
                pattern += "(?P<%s>[^/]+(?:/[^/]*)*)" % multi
            elif part.startswith("{"):
                pattern += "(?P<%s>[^/]+)" % part[1:-1]
            else:
                pattern += re.escape(part)
        self.routes.append((method, re.compile(pattern + "$"), multi, handler))

    def match(self, method, path):
        """(handler, params) or (None, "405"|"404")."""
        known_path = False
        for route_method, regex, multi, handler in self.routes:
            found = regex.match(path)
            if not found:
                continue
            known_path = True
            if route_method != method and not (
                    method == "HEAD" and route_method == "GET"):
                continue
            params = {}
            for key, value in found.groupdict().items():
                if key == multi:
                    # Invalid UTF-8 stays distinct (surrogates) instead of
                    # becoming U+FFFD, which a real name could contain.
                    params[key] = [urllib.parse.unquote(s, errors="surrogateescape")
                                   for s in value.split("/") if s]
                else:
                    params[key] = urllib.parse.unquote(value)
            return handler, params
        return None, ("405" if known_path else "404")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "onetui-test-zone"
    sys_version = ""
    timeout = 120          # idle keep-alive connections are dropped after it

    def setup(self):
        super().setup()
        # As the real servers (Cowboy on ranch) do: with Nagle on, the end
        # of a reply could wait for the client's delayed ACK (40 ms).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if isinstance(self.connection, ssl.SSLSocket):
            self.connection.do_handshake()
        self.server.listener.track(self.connection, True)

    def finish(self):
        self.server.listener.track(self.connection, False)
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, fmt, *args):
        if self.server.listener.verbose:
            sys.stderr.write("%s %s\n" % (self.server.listener.service, fmt % args))

    def handle_one_request(self):
        # A client that vanishes mid-request, or an injected reset, ends the
        # connection, never the listener.
        try:
            super().handle_one_request()
        except (OSError, ResetConnection):
            self.close_connection = True

    def _body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return Body(self.rfile, chunked=True)
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise BadBody("bad Content-Length")
        if length < 0:
            raise BadBody("bad Content-Length")
        return Body(self.rfile, length)

    def _dispatch(self):
        listener = self.server.listener
        try:
            stream = self._body()
        except BadBody:
            self.close_connection = True
            self._write(Response(400), {})
            return
        request = Request(self.command, self.path, self.headers, stream)
        request.peer = self.client_address[0]      # for ip caveats
        effects = {}
        try:
            response, effects = listener.deployment.handle(
                listener, request, on_limit=self._reset)
        except ResetConnection:
            raise
        except BadBody:
            self.close_connection = True
            response = Response(400)
        except Exception:                          # never kill the listener
            traceback.print_exc()
            response = Response(500)
        # Unread body bytes (an error answered before the upload was read,
        # an injected status) are skipped, so the connection stays usable;
        # a request-body reset still fires while they are.
        try:
            if not stream.drain():
                response.headers["Connection"] = "close"
        except BadBody:
            response.headers["Connection"] = "close"
        if stream.limit is not None:
            self._reset()              # the body was shorter than the limit
        self._write(response, effects)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = \
        _dispatch

    def _write(self, response, effects):
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        no_body = response.status in (204, 304) or response.status < 200
        if not no_body:
            self.send_header("Content-Length", str(response.length))
        self.end_headers()
        if no_body or self.command == "HEAD":
            if effects.get("reset_after_bytes") is not None:
                self._reset()          # nothing to send but the headers
            return
        chunks = [response.body] if response.stream is None \
            else response.stream()
        limit = effects.get("reset_after_bytes")
        rate = effects.get("slow_body_bps")
        sent = 0
        for chunk in chunks:
            if limit is not None and sent + len(chunk) >= limit:
                self._send_slowly(chunk[:limit - sent], rate)
                self._reset()
            self._send_slowly(chunk, rate)
            sent += len(chunk)
        if limit is not None:          # body shorter than the limit
            self._reset()

    def _send_slowly(self, data, rate):
        if not rate:
            self.wfile.write(data)
            return
        step = max(1, int(rate) // 10)
        for i in range(0, len(data), step):
            self.wfile.write(data[i:i + step])
            time.sleep(len(data[i:i + step]) / rate)

    def _reset(self):
        """Drop the connection with a TCP RST (SO_LINGER 0), mid-body.

        A RST makes the peer's kernel discard data it has not read yet, so
        the client gets a moment to read the partial body first."""
        self.wfile.flush()
        time.sleep(RESET_GRACE)
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                   struct.pack("ii", 1, 0))
        socket.socket(fileno=self.connection.detach()).close()
        raise ResetConnection()


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request, client_address):
        # Clients that vanish or fail the TLS handshake (the name-mismatch
        # tests do that on purpose) are normal here; anything else is a bug.
        kind = sys.exc_info()[0]
        if kind is not None and issubclass(kind, OSError):
            return
        super().handle_error(request, client_address)


class Listener:
    """One service on one loopback port. stop()/start() keep the port, so a
    provider can be taken down (connections refused) and brought back."""

    def __init__(self, deployment, service, app, ssl_context=None, port=0,
                 verbose=False):
        self.deployment = deployment
        self.service = service
        self.app = app
        self.ssl_context = ssl_context
        self.port = port
        self.verbose = verbose
        self._server = None
        self._connections = set()
        self._lock = threading.Lock()

    @property
    def url(self):
        scheme = "https" if self.ssl_context else "http"
        return "%s://127.0.0.1:%d" % (scheme, self.port)

    @property
    def running(self):
        return self._server is not None

    def start(self):
        server = _Server(("127.0.0.1", self.port), Handler)
        server.listener = self
        if self.ssl_context:
            # The handshake runs in the connection's thread (Handler.setup),
            # so a stalled client cannot block accept().
            server.socket = self.ssl_context.wrap_socket(
                server.socket, server_side=True, do_handshake_on_connect=False)
        self.port = server.server_address[1]
        self._server = server
        threading.Thread(target=server.serve_forever,
                         kwargs={"poll_interval": 0.05},
                         name="listener-" + self.service, daemon=True).start()

    def stop(self):
        """Close the listening socket and every open connection."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def track(self, conn, alive):
        with self._lock:
            if alive:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)
