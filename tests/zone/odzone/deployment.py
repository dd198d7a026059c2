"""A whole deployment: one Onezone, its Oneproviders, and the test-only
listeners (control API, trap, name-mismatch), sharing one state.

Every request on a service listener passes through ``Deployment.handle``:
redirect rules first, then fault rules around the service application,
then the request log.
"""

import json
import os
import ssl
import threading
import time
import traceback

from . import certs, errors, faults
from .control import Control
from .fixture import BIGDIR_PATH, KRIOS, build_facility, make_bigdir
from .model import State
from .oneprovider import Oneprovider
from .onezone import Onezone
from .server import BadBody, Listener, ResetConnection, Response

BIGDIR_COUNT = 100000
SECRET_HEADERS = ("x-auth-token", "authorization", "x-onedata-consumer-token",
                  "macaroon")


def _trap(request):
    """The trap accepts anything: it exists to be found in the request log."""
    return Response.json({})


class Deployment:
    def __init__(self, data_dir, scheme="https", verbose=False):
        self.data_dir = os.path.abspath(data_dir)
        self.scheme = scheme
        self.verbose = verbose
        self.state = State(self.data_dir)
        self.faults = faults.Rules()
        self.redirects = faults.Rules()
        self.listeners = {}
        self.fixture = {}
        self._log = []
        self._log_lock = threading.Lock()
        self.tls_dir = None

    # -- set-up ----------------------------------------------------------------

    def load_fixture(self, name, bigdir=False):
        if name != "facility":
            raise ValueError("unknown fixture %r" % name)
        self.fixture = build_facility(self.state)
        if bigdir:
            space = next(s for s in self.state.spaces.values() if s.name == KRIOS)
            make_bigdir(self.state, space, BIGDIR_PATH, BIGDIR_COUNT)
            self.fixture["bigdir"] = {"space": KRIOS, "path": BIGDIR_PATH,
                                      "count": BIGDIR_COUNT}

    def _tls(self, name):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(os.path.join(self.tls_dir, name + ".pem"),
                                os.path.join(self.tls_dir, name + ".key"))
        return context

    def start(self):
        tls = server_tls = None
        if self.scheme == "https":
            self.tls_dir = certs.ensure(os.path.join(self.data_dir, "tls"))
            tls = server_tls = self._tls("server")

        def listen(service, app, context):
            listener = Listener(self, service, app, context, verbose=self.verbose)
            listener.start()
            self.listeners[service] = listener
            return listener

        zone = Onezone(self.state)
        self.state.zone_url = listen("zone", zone, server_tls).url
        for pid, provider in self.state.providers.items():
            provider.url = listen(pid, Oneprovider(self.state, provider), tls).url
        listen("trap", _trap, tls)
        if self.scheme == "https":
            listen("mismatch", zone, self._tls("mismatch"))
        listen("control", Control(self), None)

    def stop(self):
        for listener in self.listeners.values():
            listener.stop()

    def set_provider_down(self, pid, down):
        listener = self.listeners[pid]
        if down and listener.running:
            listener.stop()
        elif not down and not listener.running:
            listener.start()

    def zone_json(self):
        state = self.state
        info = {
            "scheme": self.scheme,
            "zone": {"url": self.listeners["zone"].url,
                     "domain": state.zone_domain, "name": state.zone_name},
            "providers": {pid: {"name": p.name, "url": p.url, "domain": p.domain}
                          for pid, p in state.providers.items()},
            "control": self.listeners["control"].url,
            "trap": self.listeners["trap"].url,
            "mismatch": self.listeners["mismatch"].url
            if "mismatch" in self.listeners else None,
            "ca": os.path.join(self.tls_dir, "ca.pem") if self.tls_dir else None,
        }
        info.update(self.fixture)
        return info

    def write_zone_json(self):
        path = os.path.join(self.data_dir, "zone.json")
        tmp = path + ".tmp"
        with open(tmp, "w") as out:
            json.dump(self.zone_json(), out, indent=2, ensure_ascii=False)
            out.write("\n")
        os.replace(tmp, path)
        return path

    # -- serving -------------------------------------------------------------------

    def handle(self, listener, request, on_limit=None):
        """(response, transmission effects) for one request.

        `on_limit` resets the connection; it is called when a
        reset_after_request_bytes fault has let its bytes through."""
        service = listener.service
        if service == "control":
            return self._call(listener.app, request), {}
        effects = {}
        if service != "trap":
            redirect = self.redirects.fire(service, request.method, request.path, request.query)
            if redirect:
                response = self._redirect(redirect[-1].effects, request)
                self._record(service, request, response.status)
                return response, {}
            effects = faults.merge(self.faults.fire(service, request.method,
                                                    request.path, request.query))
        if effects.get("reset_after_request_bytes") is not None:
            request.stream.limit = int(effects["reset_after_request_bytes"])
            request.stream.on_limit = on_limit
        if effects.get("slow_request_bps"):
            request.stream.rate = effects["slow_request_bps"]
        if effects.get("latency_ms"):
            time.sleep(effects["latency_ms"] / 1000.0)
        if "status" in effects:
            response = faults.status_response(effects["status"],
                                              effects.get("body", "error"))
        else:
            try:
                response = self._call(listener.app, request)
            except ResetConnection:
                self._record(service, request, None)
                raise
        response = faults.apply_body_effects(response, effects)
        if effects.get("retry_after") is not None:
            response.headers["Retry-After"] = str(effects["retry_after"])
        self._record(service, request, response.status)
        return response, effects

    def _call(self, app, request):
        try:
            return app(request)
        except (ResetConnection, BadBody):
            raise                      # the connection, not the request, failed
        except errors.OdError as err:
            return Response(err.status, err.body(), "application/json")
        except errors.BareStatus as bare:
            return Response(bare.status)
        except Exception:
            traceback.print_exc()
            err = errors.internal_server_error()
            return Response(err.status, err.body(), "application/json")

    def _redirect(self, effects, request):
        target = effects["to"]
        if target.startswith(("http://", "https://")):
            location = target
        else:
            location = self.listeners[target].url + request.path
            if request.query:
                location += "?" + request.query
        return Response(effects["status"], headers={"Location": location})

    # -- request log -----------------------------------------------------------------

    def _record(self, service, request, status):
        headers = {}
        for name, value in request.headers.items():
            name = name.lower()
            if name in SECRET_HEADERS:
                value = "<redacted>"
            headers[name] = headers[name] + ", " + value if name in headers else value
        entry = {"service": service, "method": request.method,
                 "path": request.path, "query": request.query,
                 "headers": headers, "status": status}
        with self._log_lock:
            self._log.append(entry)

    def request_log(self):
        with self._log_lock:
            return list(self._log)

    def clear_request_log(self):
        with self._log_lock:
            self._log = []
