"""The control API: plain HTTP on its own loopback port, for tests only.

It is not part of the Onedata API and answers in its own simple way:
JSON bodies, errors as 400/404 {"error": "<message>"}. See the README for
the list of operations.
"""

import json

from . import content, errors, transfers
from .faults import fault_effects, redirect_effects
from .fixture import make_bigdir
from .server import Response, Router


def _fail(status, message):
    return Response.json({"error": message}, status)


class Control:
    def __init__(self, deployment):
        self.deployment = deployment
        self.state = deployment.state
        self.router = Router()
        for method, template, handler in (
                ("GET", "/faults", self.list_faults),
                ("POST", "/faults", self.add_fault),
                ("DELETE", "/faults", self.clear_faults),
                ("DELETE", "/faults/{rule}", self.remove_fault),
                ("GET", "/redirect", self.list_redirects),
                ("POST", "/redirect", self.add_redirect),
                ("DELETE", "/redirect", self.clear_redirects),
                ("DELETE", "/redirect/{rule}", self.remove_redirect),
                ("GET", "/requests", self.requests),
                ("DELETE", "/requests", self.clear_requests),
                ("POST", "/providers/{pid}", self.provider_state),
                ("POST", "/providers/{pid}/advertise", self.advertise_provider),
                ("POST", "/zone/advertise", self.advertise_zone),
                ("POST", "/bigdir", self.bigdir),
                ("POST", "/files/{fid}/corrupt", self.corrupt),
                ("GET", "/files/{fid}/sha256", self.sha256),
                ("POST", "/files/{fid}/transfer-failure", self.add_transfer_failure),
                ("DELETE", "/files/{fid}/transfer-failure", self.clear_transfer_failure),
                ("GET", "/transfers", self.list_transfers),
                ("GET", "/transfers/settings", self.transfer_settings),
                ("POST", "/transfers/settings", self.set_transfer_settings),
                ("POST", "/tokens/{name}/revoke", self.revoke)):
            self.router.add(method, template, handler)

    def __call__(self, request):
        handler, params = self.router.match(request.method, request.path)
        if handler is None:
            return _fail(int(params), "no such control operation")
        if request.body:
            try:
                body = json.loads(request.body)
            except ValueError:
                return _fail(400, "the body is not JSON")
        else:
            body = {}
        if not isinstance(body, dict):
            return _fail(400, "the body must be a JSON object")
        for key, values in request.params.items():   # ?provider=... etc.
            body.setdefault(key, values[-1])
        try:
            return handler(body, **params)
        except (ValueError, TypeError, KeyError) as exc:
            return _fail(400, str(exc))

    # -- faults and redirects ------------------------------------------------------

    def list_faults(self, body):
        return Response.json(self.deployment.faults.listing())

    def add_fault(self, body):
        rule = self.deployment.faults.add(body, fault_effects(body))
        return Response.json({"id": rule})

    def clear_faults(self, body):
        self.deployment.faults.clear()
        return Response(204)

    def remove_fault(self, body, rule):
        if not self.deployment.faults.remove(int(rule)):
            return _fail(404, "no fault %s" % rule)
        return Response(204)

    def list_redirects(self, body):
        return Response.json(self.deployment.redirects.listing())

    def add_redirect(self, body):
        effects = redirect_effects(body)
        target = effects["to"]
        if not target.startswith(("http://", "https://")) and (
                target == "control" or target not in self.deployment.listeners):
            raise ValueError('"to" must be "trap", "zone", a provider id or a URL')
        rule = self.deployment.redirects.add(body, effects)
        return Response.json({"id": rule})

    def clear_redirects(self, body):
        self.deployment.redirects.clear()
        return Response(204)

    def remove_redirect(self, body, rule):
        if not self.deployment.redirects.remove(int(rule)):
            return _fail(404, "no redirect %s" % rule)
        return Response(204)

    # -- request log -----------------------------------------------------------------

    def requests(self, body):
        return Response.json(self.deployment.request_log())

    def clear_requests(self, body):
        self.deployment.clear_request_log()
        return Response(204)

    # -- providers and zone ------------------------------------------------------------

    def provider_state(self, body, pid):
        provider = self.state.providers.get(pid)
        if provider is None:
            return _fail(404, "no provider %s" % pid)
        if "online" in body:
            provider.online = bool(body["online"])
        if "down" in body:
            self.deployment.set_provider_down(pid, bool(body["down"]))
        return Response.json({"online": provider.online,
                              "down": not self.deployment.listeners[pid].running})

    def advertise_provider(self, body, pid):
        provider = self.state.providers.get(pid)
        if provider is None:
            return _fail(404, "no provider %s" % pid)
        provider.advertised = body.get("domain") or None
        return Response.json({"domain": provider.domain})

    def advertise_zone(self, body):
        self.state.zone_advertised = body.get("domain") or None
        return Response.json({"domain": self.state.zone_domain})

    # -- data and tokens -------------------------------------------------------------

    def bigdir(self, body):
        space = next((s for s in self.state.spaces.values()
                      if s.name == body["space"]), None)
        if space is None:
            return _fail(404, "no space named %r" % body["space"])
        count = body["count"]
        if not isinstance(count, int) or not 0 <= count <= 2000000:
            raise ValueError('"count" must be an integer in 0..2000000')
        try:
            directory = make_bigdir(self.state, space, body["path"], count)
        except errors.OdError as err:
            return _fail(400, err.description)
        return Response.json({"fileId": directory.file_id, "count": count,
                              "path": directory.path})

    def _regular_file(self, fid):
        """The regular file with this (private) id, or an error reply."""
        try:
            _, _, node = self.state.node_by_file_id(fid)
        except errors.OdError:
            node = None
        if node is None:
            return None, _fail(404, "no file %s" % fid)
        if node.is_dir:
            return None, _fail(400, "%s is a directory" % node.path)
        return node, None

    def _provider(self, body):
        pid = body.get("provider")
        if pid is not None and pid not in self.state.providers:
            raise ValueError("no provider %s" % pid)
        return pid

    def corrupt(self, body, fid):
        """Flip one byte of a file's stored content (all of its bits), on
        one provider's replica or (no provider) in the content itself;
        the size, times and xattrs stay as they were."""
        node, failure = self._regular_file(fid)
        if failure:
            return failure
        offset = body.get("offset")
        if isinstance(offset, bool) or not isinstance(offset, int):
            raise ValueError('"offset" must be an integer')
        if not 0 <= offset < (node.size or 0):
            raise ValueError('"offset" must be in 0..%d' % ((node.size or 0) - 1))
        provider = self._provider(body)
        before, after = content.corrupt(self.state, node, offset, provider)
        return Response.json({"fileId": fid, "offset": offset, "provider": provider,
                              "before": before, "after": after})

    def sha256(self, body, fid):
        """The SHA-256 and size of a file's content as a provider serves
        it (?provider=<pid>; without: the stored content)."""
        node, failure = self._regular_file(fid)
        if failure:
            return failure
        digest, size = content.digest(self.state, node, self._provider(body))
        return Response.json({"sha256": digest, "size": size})

    def revoke(self, body, name):
        if self.state.tokens.set_revoked(name) is None:
            return _fail(404, "no token named %r" % name)
        return Response(204)

    # -- transfers and QoS reconciliation ---------------------------------------------

    def list_transfers(self, body):
        """Every transfer (as GET /transfers/{tid} shows it, plus its id),
        oldest first, and the reconciliation of every QoS requirement
        added through the API."""
        engine = self.state.engine
        engine.advance()
        with self.state.lock:
            listed = [dict(job.status_json(), transferId=job.id)
                      for job in engine.transfers.values()]
            qos = [{"qosRequirementId": q.id, "status": "ended" if q.job.ended else
                    q.job.step, "filesToProcess": q.job.files_to_process,
                    "filesProcessed": q.job.files_processed,
                    "filesFailed": q.job.files_failed,
                    "bytesReplicated": q.job.bytes_replicated,
                    "storages": [self.state.providers[p].storage_id
                                 for p in q.job.targets]}
                   for q in self.state.qos.values() if q.job is not None]
        return Response.json({"transfers": listed, "qos": qos})

    def transfer_settings(self, body):
        return Response.json(self.state.engine.settings_json())

    def set_transfer_settings(self, body):
        changes = {}
        for key, value in body.items():
            if key == "rate":
                if value is not None and (isinstance(value, bool) or not isinstance(
                        value, int) or value < 1):
                    raise ValueError('"rate" must be a positive integer (bytes per '
                                     'second) or null (no time at all)')
            elif key in transfers.DEFAULTS:
                if isinstance(value, bool) or not isinstance(value, (int, float)) \
                        or not 0 <= value <= 3600:
                    raise ValueError('"%s" must be a number of seconds, 0..3600' % key)
                value = float(value)
            elif key in ("paused", "instant", "reset"):
                if not isinstance(value, bool):
                    raise ValueError('"%s" must be a boolean' % key)
            else:
                raise ValueError('unknown setting "%s"' % key)
            changes[key] = value
        return Response.json(self.state.engine.configure(changes))

    def add_transfer_failure(self, body, fid):
        """Make transfers of a regular file fail on a provider (or, without
        one, everywhere): replication onto it, eviction from it, QoS
        reconciliation onto it. Each attempt counts one failed file."""
        node, failure = self._regular_file(fid)
        if failure:
            return failure
        provider = self._provider(body)
        errno = body.get("errno", "eio")
        if not isinstance(errno, str) or not errno.isalpha() or not errno.islower():
            raise ValueError('"errno" must be a POSIX error name such as "eio"')
        with self.state.lock:
            found = dict(self.state.engine.failures.get(node.uuid) or {})
            found[provider] = errors.posix(errno)
            self.state.engine.failures[node.uuid] = found
        return Response.json({"fileId": fid, "provider": provider, "errno": errno})

    def clear_transfer_failure(self, body, fid):
        node, failure = self._regular_file(fid)
        if failure:
            return failure
        with self.state.lock:
            self.state.engine.failures.pop(node.uuid, None)
        return Response(204)
