"""The Oneprovider endpoints that change datasets and archives, and
archive recalls (ENDPOINTS.md 9.1, 9.2): a mixin of Oneprovider.

Checks run in op-worker's middleware order, as for transfers (opjobs.py):
the token (401), the request data (400), the entity (404), the caller's
space privileges (403), support of the space (400 spaceNotSupportedBy),
then the operation's own errors. Where the digest does not name the
error of a refused operation, the zone answers posix einval (metadata
protection without data protection) or posix enotempty (removing a
dataset that still has archives).
"""

import time

from . import archives, errors
from .common import int_option, json_body, options
from .model import ARCHIVE_DELETABLE, PROTECTION_FLAGS, Archive, Dataset
from .opjobs import _string
from .opwrite import check_name
from .server import Response

DATASET_STATES = ("attached", "detached")
LAYOUTS = ("plain", "bagit")
MAX_LIMIT = 1000
MANAGE = ("space_manage_datasets",)
CREATE_ARCHIVES = ("space_manage_datasets", "space_create_archives")
REMOVE_ARCHIVES = ("space_manage_datasets", "space_remove_archives")
# The config of an archive with nothing asked for.
CONFIG_DEFAULTS = {"incremental": {"enabled": False}, "includeDip": False,
                   "layout": "plain", "createNestedArchives": False,
                   "followSymlinks": True}


def _flags(body, key):
    value = body[key]
    if not isinstance(value, list) or not all(v in PROTECTION_FLAGS for v in value):
        raise errors.bad_value_list_not_allowed(key, PROTECTION_FLAGS)
    return set(value)


def _checked_flags(flags):
    """Onedata's order; metadata protection needs data protection."""
    if "metadata_protection" in flags and "data_protection" not in flags:
        raise errors.posix("einval")
    return [f for f in PROTECTION_FLAGS if f in flags]


def _boolean(value, key):
    if not isinstance(value, bool):
        raise errors.bad_value_boolean(key)
    return value


def _optional_strings(body, keys):
    return {key: _string(body, key, empty_ok=True) for key in keys if key in body}


class DatasetOps:
    """Mixin: needs self.state, self.provider and the Jobs helpers."""

    DATASET_ROUTES = (
        ("POST", "/datasets", "establish_dataset"),
        ("PATCH", "/datasets/{did}", "update_dataset"),
        ("DELETE", "/datasets/{did}", "remove_dataset"),
        ("GET", "/datasets/{did}/archives", "dataset_archives"),
        ("POST", "/archives", "create_archive"),
        ("GET", "/archives/{aid}", "archive"),
        ("PATCH", "/archives/{aid}", "update_archive"),
        ("POST", "/archives/{aid}/delete", "delete_archive"),
        ("POST", "/archives/{aid}/recall", "recall_archive"),
        ("GET", "/data/{id}/recall/details", "recall_details"),
        ("GET", "/data/{id}/recall/progress", "recall_progress"),
        ("POST", "/data/{id}/recall/cancel", "cancel_recall"),
    )

    # -- datasets --------------------------------------------------------------

    def establish_dataset(self, request):
        """POST /datasets {"rootFileId", "protectionFlags"?} -> 201."""
        user = self._authenticate(request, data_access=False)
        body = json_body(request)
        if "rootFileId" not in body:
            raise errors.missing_required_value("rootFileId")
        file_id, parsed = self._body_file_id(body, "rootFileId")
        flags = _flags(body, "protectionFlags") if "protectionFlags" in body else set()
        space = self.state.spaces.get(parsed[1])
        self._require(user, space, MANAGE)
        self._supported_here(space)
        node = self._body_file(file_id)
        flags = _checked_flags(flags)
        with self.state.lock:
            if node.dataset is not None:
                raise errors.already_exists()
            dataset = self.state.add_dataset(Dataset(node, flags, int(time.time())))
            self.state.generation += 1
        return Response.json({"datasetId": dataset.id}, status=201,
                             headers={"Location": self._uri("datasets", dataset.id)})

    def _managed_dataset(self, user, did, privileges=MANAGE):
        dataset = self.state.datasets.get(did)
        if dataset is None:
            raise errors.not_found()
        self._require(user, dataset.space, privileges)
        self._supported_here(dataset.space)
        return dataset

    def update_dataset(self, request, did):
        """PATCH /datasets/{did} with state, setProtectionFlags and/or
        unsetProtectionFlags -> 204."""
        user = self._authenticate(request, data_access=False)
        body = json_body(request)
        keys = ("state", "setProtectionFlags", "unsetProtectionFlags")
        if not any(k in body for k in keys):
            raise errors.missing_at_least_one_value(keys)
        state = body.get("state")
        if "state" in body and state not in DATASET_STATES:
            raise errors.bad_value_not_allowed("state", DATASET_STATES)
        to_set = _flags(body, keys[1]) if keys[1] in body else set()
        to_unset = _flags(body, keys[2]) if keys[2] in body else set()
        dataset = self._managed_dataset(user, did)
        with self.state.lock:
            flags = _checked_flags((set(dataset.protection_flags) | to_set) - to_unset)
            if state == "attached" and not dataset.attached:
                if dataset.root_deleted:
                    raise errors.posix("enoent")
                dataset.state = "attached"
                dataset.detached_parent = dataset.detached_path = None
            elif state == "detached":
                dataset.detach()
            dataset.protection_flags = flags
            self.state.generation += 1
        return Response(204)

    def remove_dataset(self, request, did):
        user = self._authenticate(request, data_access=False)
        dataset = self._managed_dataset(user, did)
        if self.state.dataset_archives(dataset):
            raise errors.posix("enotempty")
        self.state.remove_dataset(dataset)
        return Response(204)

    # -- archives --------------------------------------------------------------

    def _archive_config(self, body):
        value = body.get("config", {})
        if not isinstance(value, dict):
            raise errors.bad_value_json("config")
        config = dict(CONFIG_DEFAULTS)
        for key in sorted(value):
            item = value[key]
            if key == "layout":
                if item not in LAYOUTS:
                    raise errors.bad_value_not_allowed("layout", LAYOUTS)
            elif key == "incremental":
                if not isinstance(item, dict) or "enabled" not in item:
                    raise errors.bad_data("incremental", 'must be an object with "enabled"')
                _boolean(item["enabled"], "incremental.enabled")
                if "basedOn" in item and not isinstance(item["basedOn"], str):
                    raise errors.bad_value_string("incremental.basedOn")
                item = dict(item)
            elif key in CONFIG_DEFAULTS:
                _boolean(item, key)
            else:
                continue                    # unknown keys are ignored
            config[key] = item
        return config

    def _base_archive(self, config, dataset):
        """An incremental archive's base: the one named, or the newest
        preserved one of the dataset (none: a full archive)."""
        incremental = config["incremental"]
        if not incremental["enabled"]:
            return None
        named = incremental.get("basedOn")
        if named is not None:
            base = self.state.archives.get(named)
            if base is None or base.dataset is not dataset or base.state != "preserved":
                raise errors.bad_data("basedOn", "not a preserved archive of this dataset")
            return base
        preserved = [a for a in self.state.dataset_archives(dataset) if a.state == "preserved"]
        return preserved[0] if preserved else None

    def create_archive(self, request):
        """POST /archives {"datasetId", "config"?, "description"?,
        "preservedCallback"?, "deletedCallback"?} -> 201."""
        user = self._authenticate(request, data_access=False)
        body = json_body(request)
        if "datasetId" not in body:
            raise errors.missing_required_value("datasetId")
        did = _string(body, "datasetId")
        config = self._archive_config(body)
        extra = _optional_strings(body, ("description", "preservedCallback", "deletedCallback"))
        dataset = self._managed_dataset(user, did, CREATE_ARCHIVES)
        if not dataset.attached:
            raise errors.bad_data("datasetId", "a detached dataset cannot be archived")
        base = self._base_archive(config, dataset)
        with self.state.lock:
            archive = Archive(dataset, config, extra.get("description", ""), user.id,
                              int(time.time()), extra.get("preservedCallback"),
                              extra.get("deletedCallback"), base)
            self.state.archives[archive.id] = archive
            archives.start(self.state.engine,
                           archives.ArchiveJob(self.state.engine, self.state, archive))
        return Response.json({"archiveId": archive.id}, status=201,
                             headers={"Location": self._uri("archives", archive.id)})

    def dataset_archives(self, request, did):
        """GET /datasets/{did}/archives?limit=&offset=&token=: newest
        first; a page's token is its last archive's id."""
        user = self._authenticate(request, data_access=False)
        opts = options(request)
        limit = int_option(opts, "limit", MAX_LIMIT, 1, MAX_LIMIT)
        offset = int_option(opts, "offset", 0, -(1 << 62), 1 << 62)
        token = opts.get("token")
        if token is not None and not isinstance(token, str):
            raise errors.bad_value_string("token")
        dataset = self._managed_dataset(user, did, ("space_view_archives",))
        with self.state.lock:
            ids = [a.id for a in self.state.dataset_archives(dataset)]
        start = 0
        if token:
            if token not in ids:
                raise errors.bad_data("token", "not an archive listing token")
            start = ids.index(token) + 1
        start = max(0, start + offset)
        page = ids[start:start + limit]
        more = start + len(page) < len(ids)
        return Response.json({"archives": page,
                              "nextPageToken": page[-1] if more and page else None})

    def _archive(self, user, aid, privileges):
        archive = self.state.archives.get(aid)
        if archive is None:
            raise errors.not_found()
        self._require(user, archive.space, privileges)
        self._supported_here(archive.space)
        return archive

    def archive(self, request, aid):
        user = self._authenticate(request, data_access=False)
        archive = self._archive(user, aid, ("space_view_archives",))
        with self.state.lock:
            return Response.json(archive_json(archive))

    def update_archive(self, request, aid):
        """PATCH /archives/{aid} {"description"?, "preservedCallback"?,
        "deletedCallback"?} -> 204."""
        user = self._authenticate(request, data_access=False)
        changes = _optional_strings(json_body(request),
                                    ("description", "preservedCallback", "deletedCallback"))
        archive = self._archive(user, aid, CREATE_ARCHIVES)
        with self.state.lock:
            archive.description = changes.get("description", archive.description)
            archive.preserved_callback = changes.get("preservedCallback",
                                                     archive.preserved_callback)
            archive.deleted_callback = changes.get("deletedCallback", archive.deleted_callback)
        return Response(204)

    def delete_archive(self, request, aid):
        """POST /archives/{aid}/delete {"deletedCallback"?} -> 204; the
        archive is "deleting" for a while, then gone."""
        user = self._authenticate(request, data_access=False)
        changes = _optional_strings(json_body(request), ("deletedCallback",))
        archive = self._archive(user, aid, REMOVE_ARCHIVES)
        with self.state.lock:
            if archive.state not in ARCHIVE_DELETABLE:
                raise errors.forbidden_for_current_archive_state(archive.state,
                                                                 ARCHIVE_DELETABLE)
            archive.deleted_callback = changes.get("deletedCallback", archive.deleted_callback)
            archives.start(self.state.engine,
                           archives.DeleteJob(self.state.engine, self.state, archive))
        return Response(204)

    # -- recalls ---------------------------------------------------------------

    def recall_archive(self, request, aid):
        """POST /archives/{aid}/recall {"parentDirectoryId",
        "targetFileName"?} -> 201 {"rootFileId"} (21.02.7, not the spec)."""
        user = self._authenticate(request, data_access=False)
        body = json_body(request)
        if "parentDirectoryId" not in body:
            raise errors.missing_required_value("parentDirectoryId")
        parent_id, parsed = self._body_file_id(body, "parentDirectoryId")
        name = _string(body, "targetFileName") if "targetFileName" in body else None
        archive = self._archive(user, aid, ("space_recall_archives",))
        if parsed[1] != archive.space.id:
            raise errors.bad_data("parentDirectoryId", "not a directory of the archive's space")
        parent = self._body_file(parent_id)
        with self.state.lock:
            if archive.state != "preserved":
                raise errors.forbidden_for_current_archive_state(archive.state, ("preserved",))
            if not parent.is_dir:
                raise errors.posix("enotdir")
            ongoing = self.state.recall_root(parent)
            if ongoing is not None and ongoing.finish_ms is None:
                raise errors.recall_target_conflict()
            name = name or archive.dataset.node.name
            check_name(name)
            record = archives.recall(self.state.engine, self.state, archive, parent, name,
                                     self.provider.id, user.id)
        return Response.json({"rootFileId": record.root.file_id}, status=201)

    def _recall(self, request, id, privilege):
        """The recall whose root is the file `id` (404 for other files)."""
        node = self._target(request, id, privilege=privilege).node
        record = self.state.recalls.get(node.uuid)
        if record is None:
            raise errors.not_found()
        return record

    def recall_details(self, request, id):
        record = self._recall(request, id, "space_view_archives")
        with self.state.lock:
            error = None
            if record.last_error is not None:
                error = {"fileId": record.last_error[0], "reason": record.last_error[1].json()}
            return Response.json({
                "archiveId": record.archive.id,
                "datasetId": record.archive.dataset.id,
                "startTime": record.start_ms,
                "finishTime": record.finish_ms,
                "totalFileCount": record.total_files,
                "totalByteSize": record.total_bytes,
                "lastError": error})

    def recall_progress(self, request, id):
        """Only the provider doing the recall knows its progress."""
        record = self._recall(request, id, "space_view_archives")
        if record.provider_id != self.provider.id:
            raise errors.not_found()
        with self.state.lock:
            return Response.json({"filesCopied": record.files_copied,
                                  "bytesCopied": record.bytes_copied,
                                  "filesFailed": record.files_failed})

    def cancel_recall(self, request, id):
        """POST /data/{id}/recall/cancel -> 204; the recall stops before
        its next file (nothing happens to a finished one)."""
        record = self._recall(request, id, "space_recall_archives")
        with self.state.lock:
            record.job.cancel = True
        return Response(204)


def archive_json(archive):
    return {
        "archiveId": archive.id,
        "state": archive.state,
        "datasetId": archive.dataset.id,
        "rootDirectoryId": archive.root.file_id,
        "creationTime": archive.creation_time,
        "creator": archive.creator,
        "config": archive.config,
        "description": archive.description,
        "preservedCallback": archive.preserved_callback,
        "deletedCallback": archive.deleted_callback,
        "stats": {"filesArchived": archive.files_archived,
                  "filesFailed": archive.files_failed,
                  "bytesArchived": archive.bytes_archived},
        "baseArchiveId": archive.base.id if archive.base is not None else None,
        "relatedAipId": None,
        "relatedDipId": None,
    }
