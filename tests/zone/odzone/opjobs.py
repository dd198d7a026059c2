"""The Oneprovider endpoints of transfers (ENDPOINTS.md 7) and of QoS
requirement management (8): a mixin of Oneprovider.

Checks run in op-worker's middleware order: the token (401; tokens with
data-access caveats are refused here, these are not data endpoints), the
request data (400, required keys in their sorted order, then the optional
ones), the entity (404), the caller's space privileges (403), support of
the space (400 spaceNotSupportedBy), then the operation's own errors.
"""

import time

from . import datamgmt, errors, qosexpr, transfers
from .common import int_option, json_body
from .model import QosRequirement, parse_file_id
from .server import Response

TRANSFER_TYPES = ("replication", "eviction", "migration")
DATA_SOURCE_TYPES = ("file", "view")
TRANSFER_STATES = ("waiting", "ongoing", "ended")
MAX_LIMIT = 1000
STALE = ("ok", "update_after", "false")
VIEW_BOOLEANS = ("descending", "inclusive_end", "spatial")


def _string(body, key, empty_ok=False):
    value = body[key]
    if not isinstance(value, str):
        raise errors.bad_value_string(key)
    if not value and not empty_ok:
        raise errors.bad_value_empty(key)
    return value


def _query_view_params(value):
    """queryViewParams, checked like op-worker's view query options."""
    if not isinstance(value, dict):
        raise errors.bad_value_json("queryViewParams")
    for key in sorted(value):
        item = value[key]
        if key in VIEW_BOOLEANS and not isinstance(item, bool):
            raise errors.bad_value_boolean(key)
        if key in ("limit", "skip"):
            if isinstance(item, bool) or not isinstance(item, int):
                raise errors.bad_value_integer(key)
            low = 1 if key == "limit" else 0
            if item < low:
                raise errors.bad_value_too_low(key, low)
        if key == "stale" and item not in STALE:
            raise errors.bad_value_not_allowed(key, STALE)
        if key == "bbox":
            parts = item.split(",") if isinstance(item, str) else []
            try:
                [float(p) for p in parts]
            except ValueError:
                parts = []
            if len(parts) != 4:
                raise errors.bad_data_key(key)
    return value


def _param(request, key):
    values = request.params.get(key)
    return values[0] if values else None


class Jobs:
    """Mixin: needs self.state, self.provider and Oneprovider's helpers."""

    JOB_ROUTES = (
        ("POST", "/transfers", "create_transfer"),
        ("GET", "/transfers/{tid}", "transfer_status"),
        ("DELETE", "/transfers/{tid}", "cancel_transfer"),
        ("POST", "/transfers/{tid}/rerun", "rerun_transfer"),
        ("GET", "/spaces/{sid}/transfers", "space_transfers"),
        ("POST", "/qos_requirements", "add_qos_requirement"),
        ("DELETE", "/qos_requirements/{qid}", "remove_qos_requirement"),
        ("GET", "/qos_requirements/{qid}/audit_log", "qos_audit_log"),
        ("POST", "/spaces/{sid}/evaluate_qos_expression", "evaluate_qos_expression"),
    )

    # -- common ------------------------------------------------------------------

    def _has_all(self, user, space, privileges):
        return space is not None and self.state.is_member(user.id, space) and all(
            self.state.has_privilege(user.id, space, p) for p in privileges)

    def _require(self, user, space, privileges):
        if not self._has_all(user, space, privileges):
            raise errors.forbidden()

    def _supported_here(self, space):
        if self.provider.id not in space.supports:
            raise errors.space_not_supported_by(space.id, self.provider.id)

    def _uri(self, *segments):
        scheme = self.provider.url.split("://", 1)[0]
        return "%s://%s/api/v3/oneprovider/%s" % (scheme, self.provider.domain,
                                                  "/".join(segments))

    def _body_file(self, file_id):
        """(space, node) of a fileId given in a request body, after the
        checks every caller made; share-scoped ids are posix enotsup."""
        uuid, space_id, share_id = parse_file_id(file_id)
        if share_id is not None:
            raise errors.posix("enotsup")
        node = self.state.nodes.get(uuid)
        space = self.state.spaces[space_id]
        if node is None or node.space is not space:
            raise errors.not_found()
        return node

    @staticmethod
    def _body_file_id(body, key="fileId"):
        value = _string(body, key, empty_ok=True)
        parsed = parse_file_id(value)
        if parsed is None:
            raise errors.bad_value_identifier(key)
        return value, parsed

    # -- transfers -----------------------------------------------------------------

    def _transfer_data(self, body):
        """op-worker's data spec for POST /transfers: what is required
        depends on type and dataSourceType."""
        required = {"type": TRANSFER_TYPES, "dataSourceType": DATA_SOURCE_TYPES}
        kind = body.get("type")
        if kind in ("replication", "migration"):
            required["replicatingProviderId"] = None
        if kind in ("eviction", "migration"):
            required["evictingProviderId"] = None
        optional = {"callback": None}
        source = body.get("dataSourceType")
        if source == "file":
            required["fileId"] = "fileId"
        elif source == "view":
            required["spaceId"] = None
            required["viewName"] = None
            optional["queryViewParams"] = "json"
        data = {}
        for key in sorted(required):
            if key not in body:
                raise errors.missing_required_value(key)
            data[key] = self._transfer_value(body, key, required[key])
        for key in sorted(optional):
            if key in body:
                data[key] = self._transfer_value(body, key, optional[key])
        return data

    def _transfer_value(self, body, key, kind):
        if isinstance(kind, tuple):                     # one of the allowed
            value = _string(body, key, empty_ok=True)
            if value not in kind:
                raise errors.bad_value_not_allowed(key, kind)
            return value
        if kind == "fileId":
            return self._body_file_id(body)
        if kind == "json":
            return _query_view_params(body[key])
        return _string(body, key)

    def create_transfer(self, request):
        """POST /transfers -> 201 {"transferId"} + Location."""
        user = self._authenticate(request, data_access=False)
        data = self._transfer_data(json_body(request))
        kind = data["type"]
        privileges = transfers.SCHEDULE_PRIVILEGES[kind]
        if data["dataSourceType"] == "file":
            space = self.state.spaces.get(data["fileId"][1][1])
        else:
            space = self.state.spaces.get(data["spaceId"])
            privileges += ("space_query_views",)
        self._require(user, space, privileges)
        self._supported_here(space)
        replicating = data.get("replicatingProviderId")
        evicting = data.get("evictingProviderId")
        for provider_id in (replicating, evicting):
            if provider_id is not None and provider_id not in space.supports:
                raise errors.space_not_supported_by(space.id, provider_id)
        if data["dataSourceType"] == "view":
            # No database views exist in the zone: the check of the view on
            # this provider fails, as op-worker's does for a missing one.
            raise errors.view_not_exists_on(self.provider.id)
        file_id, (_, _, share_id) = data["fileId"]
        if share_id is not None:
            raise errors.posix("enotsup")
        if replicating is not None and space.supports[replicating].readonly:
            raise errors.posix("erofs")
        node = self._body_file(file_id)
        job = self.state.engine.schedule(space, node, user.id, replicating, evicting,
                                         data.get("callback"))
        return Response.json({"transferId": job.id}, status=201,
                             headers={"Location": self._uri("transfers", job.id)})

    def _transfer(self, tid):
        """A transfer this provider knows: op-worker fetches the transfer
        document, which only the providers of its space have (404)."""
        job = self.state.engine.transfers.get(tid)
        if job is None or self.provider.id not in job.space.supports:
            raise errors.not_found()
        return job

    def transfer_status(self, request, tid):
        user = self._authenticate(request, data_access=False)
        job = self._transfer(tid)
        self._require(user, job.space, ("space_view_transfers",))
        with self.state.lock:
            status = job.status_json()
        return Response.json(status)

    def cancel_transfer(self, request, tid):
        """DELETE /transfers/{tid}: the creator needs no privilege (but
        must be a member), others the cancel privileges of its type."""
        user = self._authenticate(request, data_access=False)
        job = self._transfer(tid)
        if user.id == job.user_id:
            self._require(user, job.space, ())
        else:
            self._require(user, job.space, transfers.CANCEL_PRIVILEGES[job.type])
        self.state.engine.cancel(job)
        return Response(204)

    def rerun_transfer(self, request, tid):
        user = self._authenticate(request, data_access=False)
        job = self._transfer(tid)
        self._require(user, job.space, transfers.SCHEDULE_PRIVILEGES[job.type])
        for provider_id in (job.replicating, job.evicting):
            if provider_id is not None and provider_id not in job.space.supports:
                raise errors.space_not_supported_by(job.space.id, provider_id)
        with self.state.lock:
            if not job.is_ended:
                raise errors.transfer_not_ended()
            new = self.state.engine.rerun(job, user.id)
        return Response.json({"transferId": new.id}, status=201,
                             headers={"Location": self._uri("transfers", new.id)})

    def space_transfers(self, request, sid):
        """GET /spaces/{sid}/transfers?state=&limit=&offset=&page_token=:
        newest first (by schedule time; ended ones by finish time); a full
        page carries the token of its last transfer, which the next request
        starts after, as op-worker's link listing does."""
        user = self._authenticate(request, data_access=False)
        limit = int_option({"limit": _param(request, "limit") or MAX_LIMIT}, "limit",
                           MAX_LIMIT, 1, MAX_LIMIT)
        offset = _param(request, "offset")
        if offset is not None:
            offset = int_option({"offset": offset}, "offset", 0, -(1 << 62), 1 << 62)
        token = _param(request, "page_token")
        if token in ("", "null"):
            token = None
        state = _param(request, "state") or "ongoing"
        if state not in TRANSFER_STATES:
            raise errors.bad_value_not_allowed("state", TRANSFER_STATES)
        space = self.state.spaces.get(sid)
        self._require(user, space, ("space_view_transfers",))
        self._supported_here(space)
        with self.state.lock:
            listed = sorted((job.link_key(), job.id)
                            for job in self.state.engine.transfers.values()
                            if job.space is space and job.listing_state == state)
        start = 0
        if token is not None:
            start = next((i for i, (key, _) in enumerate(listed) if key >= token),
                         len(listed))
            start += 1 if offset is None else offset
        elif offset is not None:
            start = offset
        start = max(0, start)
        page = listed[start:start + limit]
        return Response.json({
            "transfers": [tid for _, tid in page],
            "nextPageToken": page[-1][0] if len(page) == limit else None})

    # -- QoS -----------------------------------------------------------------------

    def add_qos_requirement(self, request):
        """POST /qos_requirements {"expression", "fileId", "replicasNum"?}
        -> 201 {"qosRequirementId"} + Location."""
        user = self._authenticate(request, data_access=False)
        body = json_body(request)
        for key in ("expression", "fileId"):
            if key not in body:
                raise errors.missing_required_value(key)
            if key == "expression":
                tree = self._expression(body)
            else:
                file_id, parsed = self._body_file_id(body)
        replicas = 1
        if "replicasNum" in body:
            replicas = body["replicasNum"]
            if isinstance(replicas, str):
                try:
                    replicas = int(replicas.strip())
                except ValueError:
                    raise errors.bad_value_integer("replicasNum")
            if isinstance(replicas, bool) or not isinstance(replicas, int):
                raise errors.bad_value_integer("replicasNum")
            if replicas < 1:
                raise errors.bad_value_too_low("replicasNum", 1)
        space = self.state.spaces.get(parsed[1])
        self._require(user, space, ("space_manage_qos",))
        self._supported_here(space)
        if parsed[2] is not None:
            raise errors.posix("enotsup")
        node = self._body_file(file_id)
        with self.state.lock:
            requirement = QosRequirement(node, qosexpr.to_infix(tree), replicas,
                                         int(time.time()), id=transfers.new_transfer_id()[:32],
                                         creator=user.id)
            self.state.add_qos(requirement)
            self.state.generation += 1
            matching = datamgmt.matching_storages(space, tree)
            if len(matching) >= replicas:
                self.state.engine.reconcile(
                    requirement, [p.id for p in matching[:replicas]])
        return Response.json({"qosRequirementId": requirement.id}, status=201,
                             headers={"Location": self._uri("qos_requirements",
                                                            requirement.id)})

    @staticmethod
    def _expression(body):
        value = body["expression"]
        if not isinstance(value, str):
            raise errors.bad_value_string("expression")
        try:
            return qosexpr.parse(value)
        except qosexpr.InvalidExpression as exc:
            raise errors.invalid_qos_expression(exc.reason)

    def _qos_entity(self, user, qid, privilege):
        """Fetch (404), authorize (403), then validate (400)."""
        requirement = self.state.qos.get(qid)
        if requirement is None:
            raise errors.not_found()
        self._require(user, requirement.space, (privilege,))
        self._supported_here(requirement.space)
        return requirement

    def remove_qos_requirement(self, request, qid):
        user = self._authenticate(request, data_access=False)
        requirement = self._qos_entity(user, qid, "space_manage_qos")
        self.state.remove_qos(requirement)
        return Response(204)

    def evaluate_qos_expression(self, request, sid):
        """POST /spaces/{sid}/evaluate_qos_expression {"expression"} ->
        {"expressionRpn", "matchingStorages": [{id, name, providerId}]}."""
        user = self._authenticate(request, data_access=False)
        body = json_body(request)
        if "expression" not in body:
            raise errors.missing_required_value("expression")
        _string(body, "expression")
        space = self.state.spaces.get(sid)
        self._require(user, space, ("space_manage_qos",))
        self._supported_here(space)
        tree = self._expression(body)
        storages = sorted(datamgmt.matching_storages(space, tree),
                          key=lambda p: p.storage_id)
        return Response.json({
            "expressionRpn": qosexpr.to_rpn(tree),
            "matchingStorages": [{"id": p.storage_id, "name": p.storage_name,
                                  "providerId": p.id} for p in storages]})

    def qos_audit_log(self, request, qid):
        """GET /qos_requirements/{qid}/audit_log?timestamp=&offset=&limit=:
        this provider's entries, oldest first (timestamps in milliseconds)."""
        user = self._authenticate(request, data_access=False)
        opts = {k: v[0] for k, v in request.params.items()}
        limit = int_option(opts, "limit", MAX_LIMIT, 1, MAX_LIMIT)
        offset = int_option(opts, "offset", 0, -(1 << 62), 1 << 62)
        timestamp = None
        if "timestamp" in opts:
            timestamp = int_option(opts, "timestamp", 0, -(1 << 62), 1 << 62)
            if timestamp < 0:
                raise errors.bad_value_too_low("timestamp", 0)
        requirement = self._qos_entity(user, qid, "space_view_qos")
        with self.state.lock:
            entries = list(requirement.audit.get(self.provider.id, ()))
        start = 0
        if timestamp is not None:
            start = next((i for i, e in enumerate(entries) if e["timestamp"] >= timestamp),
                         len(entries))
        start = max(0, start + offset)
        page = entries[start:start + limit]
        return Response.json({"isLast": start + len(page) >= len(entries),
                              "logEntries": page})
