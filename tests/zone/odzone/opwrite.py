"""The Oneprovider endpoints that change data: create (in a directory, by
path), upload and delete. A mixin of Oneprovider; metadata writes are in
opmeta.py.

Checks run in this order, as far as op-worker's middleware and fslogic do
them: the share-scoped id (notSupported), the token (401), the body's
Content-Type (415), the parameters (400 validation errors), membership and
space_write_data (403), support by this provider (spaceNotSupportedBy),
existence (enoent); then what fslogic refuses: a data.readonly token
(posix eacces), the provider's read-only support of the space (posix
erofs), dataset protection (posix eperm), and last the operation's own
errors (eexist, enotdir, eisdir, einval, enametoolong).
"""

import os

from . import content, datamgmt, errors
from .common import bool_option
from .server import Response

FILE_TYPES = ("REG", "DIR", "LNK", "SYMLNK")
MAX_NAME_BYTES = 255


def _param(request, key):
    values = request.params.get(key)
    return values[0] if values else None


def _octet_stream(request):
    """A body needs Content-Type: application/octet-stream (415 without a
    body otherwise, as cowboy answers); an empty body needs none."""
    if not request.stream.present:
        return
    ctype = (request.header("Content-Type") or "").split(";")[0].strip().lower()
    if ctype != "application/octet-stream":
        raise errors.BareStatus(415)


def _offset(request):
    """The `offset` query parameter (None when absent), an integer >= 0."""
    raw = _param(request, "offset")
    if raw is None:
        return None
    try:
        value = int(raw.strip())
    except ValueError:
        raise errors.bad_value_integer("offset")
    if value < 0:
        raise errors.bad_value_too_low("offset", 0)
    return value


def _mode(request):
    """`mode` as op-worker reads it: an octal string, 0..1777."""
    raw = _param(request, "mode")
    if raw is None:
        return None
    try:
        value = int(raw.strip(), 8)
    except ValueError:
        raise errors.bad_value_integer("mode")
    if not 0 <= value <= 0o1777:
        raise errors.bad_value_not_in_range("mode", 0, 0o1777)
    return value


def _file_type(request):
    kind = _param(request, "type") or "REG"
    if kind not in FILE_TYPES:
        raise errors.bad_value_not_allowed("type", FILE_TYPES)
    if kind == "LNK" and _param(request, "target_file_id") is None:
        raise errors.missing_required_value("target_file_id")
    if kind == "SYMLNK" and _param(request, "target_file_path") is None:
        raise errors.missing_required_value("target_file_path")
    return kind


def check_name(name):
    """posix einval for names a file cannot have, enametoolong above 255
    bytes of UTF-8."""
    if name in ("", ".", "..") or "/" in name or "\0" in name:
        raise errors.posix("einval")
    try:
        encoded = name.encode("utf-8")
    except UnicodeEncodeError:
        raise errors.posix("einval")
    if len(encoded) > MAX_NAME_BYTES:
        raise errors.posix("enametoolong")


def _protected(node, flag):
    return flag in datamgmt.protection_flags(node)


def _protected_below(node):
    """Data protection on the node or anything below it (a recursive
    delete would have to remove a protected file)."""
    if _protected(node, "data_protection"):
        return True
    for item in datamgmt.descendants(node):
        dataset = datamgmt.attached_dataset(item)
        if dataset is not None and "data_protection" in dataset.protection_flags:
            return True
    return False


class Writes:
    """Mixin: needs self.state, self.provider and Oneprovider's helpers."""

    # -- common checks ---------------------------------------------------------

    def _writer(self, request, file_id, body=None):
        """The caller of a write: share-scoped ids are notSupported (before
        anything else), then the token and the body's Content-Type."""
        if self._is_share_id(file_id):
            raise errors.not_supported()
        user = self._authenticate(request, data_access=True)
        if body == "octet-stream":
            _octet_stream(request)
        return user

    def _writable(self, request, user, file_id):
        node = self._allowed(request, self._file(user, file_id, privilege="space_write_data"))
        self._may_write(request, node)
        return node

    def _may_write(self, request, node):
        if request.token.readonly:
            raise errors.posix("eacces")
        if node.space.supports[self.provider.id].readonly:
            raise errors.posix("erofs")

    def _location(self, node):
        scheme = self.provider.url.split("://", 1)[0]
        return "%s://%s/api/v3/oneprovider/data/%s" % (scheme, self.provider.domain,
                                                       node.file_id)

    def _create(self, user, parent, name, kind, mode):
        """A new file or directory in `parent` (checked: a directory, not
        protected, a valid and free name)."""
        if not parent.is_dir:
            raise errors.posix("enotdir")
        if parent.parent is None and parent is not parent.space.root:
            raise errors.posix("eperm")          # trash, archives
        if _protected(parent, "data_protection"):
            raise errors.posix("eperm")
        check_name(name)
        if kind == "DIR":
            mode = 0o775 if mode is None else mode
        else:
            mode = 0o664 if mode is None else mode
        return self.state.create_node(parent, name, kind == "DIR", user.id,
                                      self.provider.id, mode)

    def _fill(self, request, node, kind, offset):
        """Write the body into a file just created; on failure (a broken
        connection included) the file is removed again, as op-worker
        unlinks it."""
        if kind != "REG" or (not offset and not request.stream.present):
            return
        try:
            content.write(self.state, node, self.provider.id, request.stream,
                          offset or 0)
        except BaseException:
            self._discard(node)
            raise

    def _discard(self, node):
        for item in self.state.remove_subtree(node):
            if not item.is_dir:
                try:
                    os.unlink(os.path.join(self.state.blob_dir, item.file_id))
                except OSError:
                    pass

    def _created(self, node):
        """201 {"fileId"} with the new file's URI in Location."""
        return Response.json({"fileId": node.file_id}, status=201,
                             headers={"Location": self._location(node)})

    # -- create ----------------------------------------------------------------

    def create_child(self, request, id):
        """POST /data/{id}/children?name=&type=REG|DIR[&mode=][&offset=]"""
        user = self._writer(request, id, body="octet-stream")
        name = _param(request, "name")
        if name is None:
            raise errors.missing_required_value("name")
        if name == "":
            raise errors.bad_value_empty("name")
        kind = _file_type(request)
        mode = _mode(request)
        offset = _offset(request)
        parent = self._writable(request, user, id)
        if kind in ("LNK", "SYMLNK"):
            raise errors.not_supported()
        node = self._create(user, parent, name, kind, mode)
        self._fill(request, node, kind, offset)
        return self._created(node)

    def create_at_path(self, request, id, path):
        """PUT /data/{id}/path/{rel/path}?type=[&create_parents=][&mode=]
        [&offset=]: the last segment is the new name; create_parents makes
        the missing directories (mkdir -p), each with `mode` when given,
        as op-worker does, else 775."""
        user = self._writer(request, id, body="octet-stream")
        kind = _file_type(request)
        mode = _mode(request)
        offset = _offset(request)
        raw = _param(request, "create_parents")
        make_parents = raw is not None and bool_option({"create_parents": raw},
                                                       "create_parents", False)
        base = self._writable(request, user, id)
        if kind in ("LNK", "SYMLNK"):
            raise errors.not_supported()
        for segment in path:
            if segment in (".", ".."):
                raise errors.posix("einval")
        with self.state.lock:
            parent = base
            for name in path[:-1]:
                if not parent.is_dir:
                    raise errors.posix("enotdir")
                child = parent.by_name.get(name)
                if child is None:
                    if not make_parents:
                        raise errors.posix("enoent")
                    child = self._create(user, parent, name, "DIR", mode)
                parent = child
            node = self._create(user, parent, path[-1], kind, mode)
        self._fill(request, node, kind, offset)
        return self._created(node)

    # -- upload ----------------------------------------------------------------

    def update_content(self, request, id):
        """PUT /data/{id}/content[?offset=N]: without offset the file is
        truncated, then written; with one, written in place (the rest kept,
        the file grown as needed). The body is copied as it arrives."""
        user = self._writer(request, id, body="octet-stream")
        offset = _offset(request)
        node = self._writable(request, user, id)
        if _protected(node, "data_protection"):
            raise errors.posix("eperm")
        if node.is_dir:
            raise errors.posix("eisdir")
        content.write(self.state, node, self.provider.id, request.stream, offset)
        return Response(204)

    # -- delete ----------------------------------------------------------------

    def remove(self, request, id):
        """DELETE /data/{id}: recursive for directories."""
        user = self._writer(request, id)
        node = self._writable(request, user, id)
        return self._remove(node)

    def remove_at_path(self, request, id, path):
        """DELETE /data/{id}/path/{rel/path}"""
        user = self._writer(request, id)
        base = self._writable(request, user, id)
        for segment in path:
            if segment in (".", ".."):
                raise errors.posix("einval")
        node = self.state.resolve_path(base.space, path, base=base)
        if node is None:
            raise errors.posix("enoent")
        return self._remove(node)

    def _remove(self, node):
        if node.parent is None:
            raise errors.posix("eperm")          # space root, trash, archives
        if _protected_below(node):
            raise errors.posix("eperm")
        self._discard(node)
        return Response(204)
