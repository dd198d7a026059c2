"""The Oneprovider REST API (/api/v3/oneprovider), the parts onetui uses.

One instance per provider: it serves only the spaces that provider
supports, like a real Oneprovider. Reading endpoints are here; the ones
that change files are in opwrite.py, metadata in opmeta.py, transfers and QoS
management in opjobs.py, dataset, archive and recall management in
opdatasets.py, share management in opshares.py (mixins of this class).

Share-scoped file ids (a share's rootFileId and the ids listed through it)
are served without a token, in "share mode": attributes (a reduced set),
children, content, xattrs and the recursive listing; anything else is
notSupported for them.
"""

import base64
import binascii
import bisect
import json
import re

from . import content, datamgmt, errors
from .common import (BUILD, COMPATIBLE_VERSIONS, VERSION, bearer_token,
                     bool_option, int_option, options)
from .model import (decode_index, decode_page_token, encode_index,
                    encode_page_token, make_share_file_id, parse_file_id)
from .opdatasets import DatasetOps
from .opjobs import Jobs
from .oztokens import context
from .opmeta import Metadata
from .opshares import ShareWrites
from .opwrite import Writes
from .server import Response, Router

BASE = "/api/v3/oneprovider"
MAX_LIMIT = 1000
MAX_WINDOW_LIMIT = 1000
DATASET_STATES = ("attached", "detached")

# FileAttributeNames (ENDPOINTS.md 2.2), in the spec's order; "xattr.<key>"
# is accepted for any key.
ATTRIBUTES = (
    "fileId", "index", "type", "activePermissionsType", "posixPermissions",
    "acl", "name", "conflictingName", "path", "parentFileId", "displayGid",
    "displayUid", "creationTime", "atime", "mtime", "ctime", "size",
    "isFullyReplicatedLocally", "localReplicationRate", "originProviderId",
    "directShareIds", "ownerUserId", "hardlinkCount", "symlinkValue",
    "hasCustomMetadata", "effProtectionFlags", "effDatasetProtectionFlags",
    "effDatasetInheritancePath", "effQosInheritancePath", "aggregateQosStatus",
    "archiveRecallRootFileId")

# What GET /data/{id} returns when no attributes are asked for: the 16
# pre-21.02.7 attributes, under both their new and deprecated names.
LEGACY_NAMES = {
    "fileId": "file_id", "parentFileId": "parent_id", "posixPermissions": "mode",
    "displayGid": "storage_group_id", "displayUid": "storage_user_id",
    "originProviderId": "provider_id", "directShareIds": "shares",
    "ownerUserId": "owner_id", "hardlinkCount": "hardlinks_count"}
LEGACY_ATTRIBUTES = (
    "fileId", "parentFileId", "name", "posixPermissions", "atime", "mtime",
    "ctime", "type", "size", "directShareIds", "index", "displayUid",
    "displayGid", "ownerUserId", "originProviderId", "hardlinkCount")
# Children listed without `attributes`: fileId and name (and file_id).
DEFAULT_CHILD_ATTRIBUTES = ("fileId", "name")

# What share mode (share-scoped ids, no token) offers (ENDPOINTS.md 2.2;
# "mode" there is posixPermissions).
SHARE_ATTRIBUTES = (
    "fileId", "index", "type", "activePermissionsType", "posixPermissions",
    "name", "conflictingName", "parentFileId", "creationTime", "atime",
    "mtime", "ctime", "size", "directShareIds", "symlinkValue",
    "hasCustomMetadata")
SHARE_LEGACY_ATTRIBUTES = tuple(a for a in LEGACY_ATTRIBUTES if a in SHARE_ATTRIBUTES)

RANGE = re.compile(r"bytes=(\d*)-(\d*)")


class ShareView:
    """How a file looks through a share: share-scoped ids, no parent above
    the share's root, only this share among its directShareIds."""

    def __init__(self, share):
        self.share = share

    def file_id(self, node):
        return make_share_file_id(node.uuid, node.space.id, self.share.id)

    def parent_id(self, node):
        if node is self.share.node or node.parent is None:
            return None
        return self.file_id(node.parent)

    def share_ids(self, node):
        return [self.share.id] if node is self.share.node else []


class Target:
    """A resolved /data/{id}: the node, and the share view for a
    share-scoped id (None for a private id)."""

    def __init__(self, node, view=None):
        self.node = node
        self.view = view


class Oneprovider(Writes, Metadata, Jobs, DatasetOps, ShareWrites):
    def __init__(self, state, provider):
        self.state = state
        self.provider = provider
        self.router = Router()
        for method, template, handler in (
                ("GET", "/configuration", self.configuration),
                ("GET", "/health", self.health),
                ("GET", "/spaces", self.spaces),
                ("GET", "/spaces/{sid}", self.space),
                ("POST", "/lookup-file-id/{path+}", self.lookup_file_id),
                ("GET", "/data/{id}", self.attributes),
                ("DELETE", "/data/{id}", self.remove),
                ("GET", "/data/{id}/children", self.children),
                ("POST", "/data/{id}/children", self.create_child),
                ("GET", "/data/{id}/files", self.files),
                ("PUT", "/data/{id}/path/{path+}", self.create_at_path),
                ("DELETE", "/data/{id}/path/{path+}", self.remove_at_path),
                ("GET", "/data/{id}/metadata/xattrs", self.get_xattrs),
                ("PUT", "/data/{id}/metadata/xattrs", self.set_xattrs),
                ("DELETE", "/data/{id}/metadata/xattrs", self.remove_xattrs),
                ("GET", "/data/{id}/metadata/json", self.get_json),
                ("PUT", "/data/{id}/metadata/json", self.set_json),
                ("DELETE", "/data/{id}/metadata/json", self.remove_json),
                ("GET", "/data/{id}/metadata/rdf", self.get_rdf),
                ("PUT", "/data/{id}/metadata/rdf", self.set_rdf),
                ("DELETE", "/data/{id}/metadata/rdf", self.remove_rdf),
                ("GET", "/data/{id}/content", self.content),
                ("PUT", "/data/{id}/content", self.update_content),
                ("GET", "/data/{id}/distribution", self.distribution),
                ("GET", "/data/{id}/dir_size_stats", self.dir_size_stats),
                ("GET", "/data/{id}/dataset/summary", self.dataset_summary),
                ("GET", "/data/{id}/qos/summary", self.qos_summary),
                ("GET", "/spaces/{sid}/datasets", self.space_datasets),
                ("GET", "/datasets/{did}", self.dataset),
                ("GET", "/datasets/{did}/children", self.dataset_children),
                ("GET", "/qos_requirements/{qid}", self.qos_requirement),
                ("GET", "/shares/{shid}", self.share)):
            self.router.add(method, BASE + template, handler)
        for method, template, name in (self.JOB_ROUTES + self.DATASET_ROUTES
                                       + self.SHARE_WRITE_ROUTES):
            self.router.add(method, BASE + template, getattr(self, name))
        self._values = self._attribute_getters()

    def __call__(self, request):
        # Transfers and QoS reconciliation catch up with the clock first, so
        # every answer (replicas, statuses, statistics) is current.
        self.state.engine.advance()
        handler, params = self.router.match(request.method, request.path)
        if handler is None:
            raise errors.BareStatus(int(params))
        return handler(request, **params)

    # -- authentication ------------------------------------------------------------

    def _authenticate(self, request, data_access):
        """The user behind the request's token.

        Data operations (file attributes, listing, content, path lookup)
        accept tokens with data-access caveats; the others refuse them.
        A user none of whose spaces this provider supports is refused too
        (401 unauthorized wrapping userNotSupported, as op-worker does)."""
        token = bearer_token(request)
        if token is None:
            raise errors.unauthorized()
        try:
            verified = self.state.tokens.verify(token, ctx=context(
                request, data_access, "opw-" + self.provider.id))
        except errors.OdError as err:
            raise errors.unauthorized(err)
        if not self._local_spaces(verified.subject):
            raise errors.unauthorized(errors.user_not_supported())
        request.token = verified
        return self.state.users[verified.subject]

    def _local_spaces(self, user_id):
        return [s for s in self.state.effective_spaces(user_id)
                if self.provider.id in s.supports]

    def _check_space(self, user, space, space_id, privilege=None):
        """Membership (and a space privilege, when the operation needs one)
        first (403), then local support (400), like the middleware's
        authorize-then-validate order."""
        if space is None or not self.state.is_member(user.id, space):
            raise errors.forbidden()
        if privilege and not self.state.has_privilege(user.id, space, privilege):
            raise errors.forbidden()
        if self.provider.id not in space.supports:
            raise errors.space_not_supported_by(space_id, self.provider.id)

    def _file(self, user, file_id, privilege=None):
        space_id, space, node = self.state.node_by_file_id(file_id)
        self._check_space(user, space, space_id, privilege)
        if node is None:
            raise errors.posix("enoent")
        return node

    @staticmethod
    def _is_share_id(file_id):
        parsed = parse_file_id(file_id)
        return parsed is not None and parsed[2] is not None

    def _target(self, request, file_id, public=False, privilege=None):
        """Resolve /data/{id} for an operation.

        A share-scoped id is served without a token (one sent is ignored,
        as the real middleware switches such requests to a guest) when the
        operation is `public`, and is notSupported otherwise. A private id
        needs a token: 401, then the space checks of _file."""
        if self._is_share_id(file_id):
            if not public:
                raise errors.not_supported()
            share, space, node = self.state.share_node(file_id)
            if share is None:
                raise errors.not_found()
            if self.provider.id not in space.supports:
                raise errors.space_not_supported_by(space.id, self.provider.id)
            if node is None:
                raise errors.posix("enoent")
            return Target(node, ShareView(share))
        user = self._authenticate(request, data_access=True)
        return Target(self._allowed(request, self._file(user, file_id, privilege), True))

    def _node_of(self, file_id):
        try:
            return self.state.node_by_file_id(file_id)[2]
        except errors.OdError:
            return None

    def _allowed(self, request, node, traverse=False):
        """`node`, if the token's data.path and data.objectid caveats let
        the request reach it: wholly, or (`traverse`, for reads) as a
        directory on the way to what they allow. posix eacces otherwise,
        as op-worker's data constraints answer."""
        access = request.token.node_access(node, self._node_of)
        if access == "none" or (access == "traverse" and not traverse):
            raise errors.posix("eacces")
        return node

    # -- public --------------------------------------------------------------------

    def configuration(self, request):
        return Response.json({
            "providerId": self.provider.id,
            "name": self.provider.name,
            "domain": self.provider.domain,
            "onezoneDomain": self.state.zone_domain,
            "version": VERSION,
            "build": BUILD,
            "compatibleOnezoneVersions": COMPATIBLE_VERSIONS,
            "compatibleOneproviderVersions": COMPATIBLE_VERSIONS,
            "compatibleOneclientVersions": COMPATIBLE_VERSIONS,
        })

    def health(self, request):
        return Response.json({"status": "healthy"})

    # -- spaces ----------------------------------------------------------------------

    def _space_json(self, space):
        return {
            "spaceId": space.id,
            "name": space.name,
            "dirId": space.root.file_id,
            "fileId": space.root.file_id,
            "trashDirId": space.trash.file_id,
            "archivesDirId": space.archives.file_id,
            "providers": [{"providerId": pid, "providerName": s.provider.name}
                          for pid, s in space.supports.items()],
        }

    def spaces(self, request):
        user = self._authenticate(request, data_access=False)
        return Response.json([self._space_json(s) for s in self._local_spaces(user.id)])

    def space(self, request, sid):
        user = self._authenticate(request, data_access=False)
        space = self.state.spaces.get(sid)
        self._check_space(user, space, sid)
        return Response.json(self._space_json(space))

    # -- files -------------------------------------------------------------------------

    def lookup_file_id(self, request, path):
        user = self._authenticate(request, data_access=True)
        name, rest = path[0], path[1:]
        space = next((s for s in self.state.effective_spaces(user.id)
                      if s.name == name), None)
        if space is None:
            raise errors.posix("enoent")
        self._check_space(user, space, space.id)
        node = self.state.resolve_path(space, rest)
        if node is None:
            raise errors.posix("enoent")
        return Response.json({"fileId": self._allowed(request, node, True).file_id})

    def attributes(self, request, id):
        target = self._target(request, id, public=True)
        node, view = target.node, target.view
        opts = options(request, list_keys=("attributes",))
        names = self._attribute_names(opts, view)
        if names is None:
            legacy = SHARE_LEGACY_ATTRIBUTES if view else LEGACY_ATTRIBUTES
            attrs = self._attrs(node, legacy, view)
            for new, old in LEGACY_NAMES.items():
                if new in attrs:
                    attrs[old] = attrs[new]
            return Response.json(attrs)
        return Response.json(self._attrs(node, names, view))

    def children(self, request, id):
        target = self._target(request, id, public=True)
        directory, view = target.node, target.view
        if not directory.is_dir:
            raise errors.posix("enotdir")
        opts = options(request, list_keys=("attributes",))
        names = self._attribute_names(opts, view)
        limit = int_option(opts, "limit", MAX_LIMIT, 1, MAX_LIMIT)
        listed = directory.names
        token = opts.get("token")
        if token is not None:
            for other in ("index", "offset", "tuneForLargeContinuousListing"):
                if other in opts:
                    raise errors.bad_data(other, 'cannot be provided alongside "token"')
            if not isinstance(token, str):
                raise errors.bad_value_string("token")
            if not token:
                raise errors.bad_value_empty("token")
            start = bisect.bisect_right(listed, decode_page_token(directory, token))
        else:
            offset = int_option(opts, "offset", 0, -500, 500)
            # Validated like the server does; it only tunes performance.
            bool_option(opts, "tuneForLargeContinuousListing", False)
            start = 0
            if opts.get("index") is not None:
                if not isinstance(opts["index"], str):
                    raise errors.bad_value_string("index")
                first = decode_index(opts["index"])
                if bool_option(opts, "inclusive", True):
                    start = bisect.bisect_left(listed, first)
                else:
                    start = bisect.bisect_right(listed, first)
            start = max(0, start + offset)
        with self.state.lock:        # a consistent page while others write
            end = min(len(listed), start + limit)
            page = [directory.by_name[n] for n in listed[start:end]]
            is_last = end >= len(listed)
        last = page[-1] if page else None
        if view is None:    # what path or objectid caveats hide is not listed
            page = [n for n in page
                    if request.token.node_access(n, self._node_of) != "none"]
        if names is None:
            children = []
            for n in page:
                file_id = view.file_id(n) if view else n.file_id
                children.append({"fileId": file_id, "file_id": file_id, "name": n.name})
        else:
            children = [self._attrs(n, names, view) for n in page]
        return Response.json({
            "children": children,
            "isLast": is_last,
            "nextPageToken": None if is_last or last is None else
            encode_page_token(directory, last.name),
        })

    # -- recursive listing -------------------------------------------------------

    def files(self, request, id):
        """GET /data/{id}/files: every file below the directory (and with
        include_directories, every directory), depth first over name-sorted
        directories, as op-worker's recursive_file_listing walks them; paths
        are relative to the listed directory. Pages resume from the path in
        the token (or start_after) with one bisect per level."""
        target = self._target(request, id, public=True)
        root, view = target.node, target.view
        opts = options(request, list_keys=("attributes",))
        names = self._attribute_names(opts, view, extra=("path",))
        limit = int_option(opts, "limit", MAX_LIMIT, 1, MAX_LIMIT)
        with_dirs = bool_option(opts, "include_directories", False)
        prefix = self._string_option(opts, "prefix", "")
        after = self._string_option(opts, "start_after", None)
        token = opts.get("token")
        if token is not None:
            if not isinstance(token, str):
                raise errors.bad_value_string("token")
            if after is not None:
                raise errors.posix("einval")     # op-worker: conflicting options
            after = self._files_token(token, id)
        after_tokens = tuple(t for t in (after or "").split("/") if t not in ("", "."))
        found = []
        more = False
        if not root.is_dir:
            # A file lists itself, as ".".
            if not after_tokens and ".".startswith(prefix):
                found.append((".", root))
        else:
            with self.state.lock:
                walk = datamgmt.walk_sorted(root, after_tokens, prefix, with_dirs)
                for item in walk:
                    if len(found) == limit:
                        more = True
                        break
                    found.append(item)
        if names is None:
            files = []
            for path, node in found:
                file_id = view.file_id(node) if view else node.file_id
                files.append({"fileId": file_id, "file_id": file_id, "path": path})
        else:
            files = []
            for path, node in found:
                attrs = self._attrs(node, names, view)
                if "path" in attrs:
                    attrs["path"] = path
                files.append(attrs)
        token = None
        if more:
            raw = json.dumps({"guid": id, "startAfter": found[-1][0]},
                             separators=(",", ":"), ensure_ascii=False)
            token = base64.urlsafe_b64encode(raw.encode()).rstrip(b"=").decode()
        return Response.json({"files": files, "inaccessiblePaths": [],
                              "nextPageToken": token})

    @staticmethod
    def _string_option(opts, key, default):
        value = opts.get(key, default)
        if value is not None and not isinstance(value, str):
            raise errors.bad_value_string(key)
        return value

    @staticmethod
    def _files_token(token, file_id):
        """The path a /files token resumes after; posix einval for a token
        that is not one, or of another directory (as op-worker answers)."""
        try:
            payload = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            if payload["guid"] == file_id and isinstance(payload["startAfter"], str):
                return payload["startAfter"]
        except (ValueError, KeyError, TypeError, binascii.Error):
            pass
        raise errors.posix("einval")

    # -- content -----------------------------------------------------------------

    def content(self, request, id):
        node = self._target(request, id, public=True).node
        if node.is_dir:
            raise errors.posix("eisdir")
        size = node.size
        start, end, status, headers = 0, size - 1, 200, {}
        wanted = (request.header("Range") or "").strip()
        found = RANGE.fullmatch(wanted)
        # One range is served as 206; none, several (multipart, not modelled)
        # or unparsable ones get the whole file, which RFC 9110 allows.
        if found and (found.group(1) or found.group(2)):
            first, last = found.group(1), found.group(2)
            if first:
                start = int(first)
                end = min(int(last), size - 1) if last else size - 1
            else:
                start, end = max(0, size - int(last)), size - 1
            if start >= size or start > end or (not first and int(last) == 0):
                return Response(416, headers={"Content-Range": "bytes */%d" % size})
            status = 206
            headers["Content-Range"] = "bytes %d-%d/%d" % (start, end, size)
        path = self.state.blob_path(node)
        length = end - start + 1 if size else 0
        flipped = content.overlay(node, self.provider.id)

        def stream():
            return content.read(path, start, length, flipped)

        return Response(status, content_type="application/octet-stream",
                        headers=headers, stream=stream, length=length)

    # -- replicas, directory statistics ----------------------------------------

    def distribution(self, request, id):
        node = self._target(request, id).node
        return Response.json(datamgmt.distribution(self.state, node))

    def dir_size_stats(self, request, id):
        """Options come from the JSON body (the spec's only form), merged
        with the query string like the other GET endpoints with bodies."""
        node = self._target(request, id).node
        query = self._stats_query(options(request))
        support = node.space.supports[self.provider.id]
        if support.dir_stats == "initializing":
            raise errors.dir_stats_not_ready()
        if support.dir_stats != "enabled":
            raise errors.dir_stats_disabled_for_space()
        if not node.is_dir:
            raise errors.posix("enotdir")
        names = datamgmt.time_series_names(self.provider)
        if query["mode"] == "layout":
            return Response.json({"layout": {n: list(datamgmt.METRIC_NAMES)
                                             for n in names}})
        missing = {}
        for name, metrics in query["layout"].items():
            absent = [m for m in metrics
                      if name not in names or m not in datamgmt.METRICS]
            if absent:
                missing[name] = absent
        if missing:
            raise errors.tsc_missing_layout(missing)
        collection = datamgmt.time_series(self.state, node, self.provider)
        start, stop = query["startTimestamp"], query["stopTimestamp"]
        sliced = {}
        for name, metrics in query["layout"].items():
            sliced[name] = {}
            for metric in metrics:
                resolution = datamgmt.METRICS[metric][0]
                windows = []
                for ts, value, first, last in collection[name][metric]:
                    if start is not None and ts > start:
                        continue            # newer than the starting point
                    if stop is not None and ts + resolution <= stop:
                        break               # older than the stopping point
                    window = {"timestamp": ts, "value": value}
                    if query["extendedInfo"]:
                        window["firstMeasurementTimestamp"] = first
                        window["lastMeasurementTimestamp"] = last
                    windows.append(window)
                    if len(windows) == query["windowLimit"]:
                        break
                sliced[name][metric] = windows
        return Response.json({"slice": sliced})

    def _stats_query(self, opts):
        """Validated like op-worker's ts_browse_request (no mode: layout)."""
        mode = opts.get("mode", "layout")
        if mode not in ("layout", "slice"):
            raise errors.bad_value_not_allowed("mode", ("layout", "slice"))
        query = {"mode": mode}
        if mode == "layout":
            return query
        if "layout" not in opts:
            raise errors.missing_required_value("layout")
        layout = opts["layout"]
        if isinstance(layout, str):
            try:
                layout = json.loads(layout)
            except ValueError:
                raise errors.bad_value_json("layout")
        if not isinstance(layout, dict) or not all(
                isinstance(metrics, list) and all(isinstance(m, str) for m in metrics)
                for metrics in layout.values()):
            raise errors.bad_data("layout", "must map time series names to lists "
                                  "of metric names")
        query["layout"] = layout
        for key in ("startTimestamp", "stopTimestamp"):
            query[key] = None
            if opts.get(key) is not None:
                value = int_option(opts, key, 0, -(1 << 62), 1 << 62)
                if value < 0:
                    raise errors.bad_value_too_low(key, 0)
                query[key] = value
        query["windowLimit"] = int_option(opts, "windowLimit", MAX_WINDOW_LIMIT, 1,
                                          MAX_WINDOW_LIMIT)
        query["extendedInfo"] = bool_option(opts, "extendedInfo", False)
        return query

    # -- datasets --------------------------------------------------------------

    def dataset_summary(self, request, id):
        node = self._target(request, id, privilege="space_view").node
        return Response.json(datamgmt.dataset_summary(node))

    def _dataset_json(self, dataset):
        parent = datamgmt.dataset_parent(dataset)
        return {
            "state": dataset.state,
            "datasetId": dataset.id,
            "parentId": parent.id if parent is not None else None,
            "rootFileId": dataset.node.file_id,
            "rootFileType": "DIR" if dataset.node.is_dir else "REG",
            "rootFilePath": dataset.detached_path or dataset.node.path,
            "rootFileDeleted": dataset.root_deleted,
            "protectionFlags": dataset.protection_flags,
            "effectiveProtectionFlags": datamgmt.effective_dataset_flags(dataset),
            "creationTime": dataset.creation_time,
            "archiveCount": len(self.state.dataset_archives(dataset)),
        }

    def _dataset_entity(self, user, did):
        """Fetch (404), then authorize (403), then validate (400)."""
        dataset = self.state.datasets.get(did)
        if dataset is None:
            raise errors.not_found()
        self._check_space(user, dataset.space, dataset.space.id, privilege="space_view")
        return dataset

    @staticmethod
    def _dataset_listing_opts(opts):
        """limit 1..1000 (default 1000), offset (any integer), index (a
        name), token (a nextPageToken; wins over index)."""
        limit = int_option(opts, "limit", MAX_LIMIT, 1, MAX_LIMIT)
        offset = int_option(opts, "offset", 0, -(1 << 62), 1 << 62)
        index = opts.get("index")
        if index is not None and not isinstance(index, str):
            raise errors.bad_value_string("index")
        token = opts.get("token")
        after = None
        if token is not None:
            if not isinstance(token, str):
                raise errors.bad_value_string("token")
            if not token:
                raise errors.bad_value_empty("token")
            try:
                raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
                name, _, did = raw.decode().partition("\0")
                if not did:
                    raise ValueError(token)
            except (ValueError, binascii.Error):
                raise errors.bad_data("token", "not a dataset listing token")
            after = (name, did)
        return {"limit": limit, "offset": offset, "index": index, "after": after}

    @staticmethod
    def _dataset_page(datasets, listing):
        keys = [(d.name, d.id) for d in datasets]
        if listing["after"] is not None:
            start = bisect.bisect_right(keys, listing["after"])
        elif listing["index"] is not None:
            start = bisect.bisect_left(keys, (listing["index"], ""))
        else:
            start = 0
        start = max(0, start + listing["offset"])
        end = min(len(keys), start + listing["limit"])
        page = datasets[start:end]
        token = None
        if end < len(keys) and page:
            raw = ("%s\0%s" % (page[-1].name, page[-1].id)).encode()
            token = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
        return Response.json({
            "datasets": [{"datasetId": d.id, "name": d.name} for d in page],
            "nextPageToken": token})

    def space_datasets(self, request, sid):
        user = self._authenticate(request, data_access=False)
        opts = options(request)
        if "state" not in opts:
            raise errors.missing_required_value("state")
        if opts["state"] not in DATASET_STATES:
            raise errors.bad_value_not_allowed("state", DATASET_STATES)
        listing = self._dataset_listing_opts(opts)
        space = self.state.spaces.get(sid)
        self._check_space(user, space, sid, privilege="space_view")
        return self._dataset_page(
            datamgmt.dataset_children(self.state, space, None, opts["state"]), listing)

    def dataset(self, request, did):
        user = self._authenticate(request, data_access=False)
        return Response.json(self._dataset_json(self._dataset_entity(user, did)))

    def dataset_children(self, request, did):
        user = self._authenticate(request, data_access=False)
        listing = self._dataset_listing_opts(options(request))
        dataset = self._dataset_entity(user, did)
        return self._dataset_page(datamgmt.dataset_children(
            self.state, dataset.space, dataset, dataset.state), listing)

    # -- QoS -------------------------------------------------------------------

    def qos_summary(self, request, id):
        node = self._target(request, id, privilege="space_view_qos").node
        return Response.json(datamgmt.qos_summary(self.state, node))

    def qos_requirement(self, request, qid):
        user = self._authenticate(request, data_access=False)
        requirement = self.state.qos.get(qid)
        if requirement is None:
            raise errors.not_found()
        space = requirement.space
        self._check_space(user, space, space.id, privilege="space_view_qos")
        return Response.json({
            "qosRequirementId": requirement.id,
            "fileId": requirement.node.file_id,
            "expression": requirement.expression,
            "replicasNum": requirement.replicas_num,
            "status": datamgmt.qos_status(self.state, requirement, requirement.node),
        })

    # -- shares ----------------------------------------------------------------

    def share(self, request, shid):
        user = self._authenticate(request, data_access=False)
        share = self.state.shares.get(shid)
        if share is None:
            raise errors.not_found()
        self._check_space(user, share.space, share.space.id)
        return Response.json(datamgmt.share_json(self.state, share, "oneprovider"))

    # -- attributes ----------------------------------------------------------------------

    def _attribute_names(self, opts, view=None, extra=()):
        """The requested attribute names, None when none were asked for.
        In share mode only SHARE_ATTRIBUTES (and `extra`) are allowed."""
        names = opts.get("attributes")
        if names is None:
            return None
        if isinstance(names, str):
            names = [names]
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise errors.bad_value_list_of_strings("attributes")
        allowed = (SHARE_ATTRIBUTES + tuple(extra)) if view else ATTRIBUTES
        for name in names:
            if name not in allowed and not (
                    name.startswith("xattr.") and len(name) > len("xattr.")):
                raise errors.bad_value_not_allowed("attributes", allowed + ("xattr.*",))
        return names

    def _attrs(self, node, names, view=None):
        values = self._values
        result = {}
        xattrs = node.xattrs or {}
        for name in names:
            if view is not None and name == "fileId":
                result[name] = view.file_id(node)
            elif view is not None and name == "parentFileId":
                result[name] = view.parent_id(node)
            elif view is not None and name == "directShareIds":
                result[name] = view.share_ids(node)
            elif name in values:
                result[name] = values[name](node)
            else:
                result[name] = xattrs.get(name[len("xattr."):])
        return result

    def _attribute_getters(self):
        state, pid = self.state, self.provider.id

        def parent_id(n):
            return n.parent.file_id if n.parent is not None else None

        def origin(n):
            return n.origin or next(iter(n.space.supports), None)

        def rate(n):
            return None if n.is_dir else n.replication_rate(pid)

        def qos_status(n):
            return datamgmt.qos_summary(state, n)["status"]

        def recall_root(n):
            record = state.recall_root(n)
            return record.root.file_id if record is not None else None

        getters = {
            "fileId": lambda n: n.file_id,
            "index": lambda n: encode_index(n.name),
            "type": lambda n: "DIR" if n.is_dir else "REG",
            "activePermissionsType": lambda n: "posix",
            "posixPermissions": lambda n: "%o" % n.mode,
            "acl": lambda n: [],
            "name": lambda n: n.name,
            "conflictingName": lambda n: None,
            "path": lambda n: n.path,
            "parentFileId": parent_id,
            "displayGid": lambda n: n.space.display_gid,
            "displayUid": lambda n: state.users[n.owner].display_uid,
            "creationTime": lambda n: n.creation_time,
            "atime": lambda n: n.atime,
            "mtime": lambda n: n.mtime,
            "ctime": lambda n: n.ctime,
            "size": lambda n: n.size,
            "isFullyReplicatedLocally":
                lambda n: None if n.is_dir else n.replication_rate(pid) == 1.0,
            "localReplicationRate": rate,
            "originProviderId": origin,
            "directShareIds": lambda n: [share.id for share in n.shares or ()],
            "ownerUserId": lambda n: n.owner,
            "hardlinkCount": lambda n: 1,
            "symlinkValue": lambda n: None,
            "hasCustomMetadata": lambda n: bool(n.xattrs) or n.json_meta is not None
                                          or n.rdf_meta is not None,
            "effProtectionFlags": datamgmt.protection_flags,
            "effDatasetProtectionFlags": datamgmt.protection_flags,
            "effDatasetInheritancePath": datamgmt.dataset_inheritance_path,
            "effQosInheritancePath": datamgmt.qos_inheritance_path,
            "aggregateQosStatus": qos_status,
            "archiveRecallRootFileId": recall_root,
        }
        assert tuple(getters) == ATTRIBUTES
        return getters
