"""The Oneprovider metadata endpoints: extended attributes, the JSON
document and the RDF text of a file or directory. A mixin of Oneprovider.

Reads work through share-scoped ids without a token (inheritance then stops
at the share's root); writes go through the checks of opwrite.Writes and
fail with posix eperm under a dataset's metadata protection.

JSON semantics, as op-worker's json_utils has them: a `keypath` filter is
dot-separated, an array element written `[i]`; GET with a filter answers
the value found there (posix enodata when there is none), PUT with a filter
sets the value there, creating the objects on the way. `inherited=true`
merges the documents of the file and its ancestors, objects key by key,
the nearest level winning. A file without a document (or RDF text)
answers posix enodata.
"""

import json
import re
import time

from . import datamgmt, errors
from .common import bool_option, options
from .server import Response

RESERVED_XATTR_PREFIXES = ("cdmi_", "onedata_", "org.onedata.")
RDF_TYPE = "application/rdf+xml"
ARRAY_INDEX = re.compile(r"\[(\d+)\]\Z")


def _param(request, key):
    values = request.params.get(key)
    return values[0] if values else None


def _content_type(request):
    return (request.header("Content-Type") or "").split(";")[0].strip().lower()


def _keypath(request):
    """The parsed `filter` ([str or int]) when filter_type=keypath, else
    None; a filter without its type (or the reverse) is refused."""
    filter_type = _param(request, "filter_type")
    text = _param(request, "filter")
    if filter_type is None:
        if text is not None:
            raise errors.missing_required_value("filter_type")
        return None
    if filter_type != "keypath":
        raise errors.bad_value_not_allowed("filter_type", ["keypath"])
    if text is None:
        raise errors.missing_required_value("filter")
    if text == "":
        raise errors.bad_value_empty("filter")
    path = []
    for part in text.split("."):
        index = ARRAY_INDEX.match(part)
        if index:
            path.append(int(index.group(1)))
        elif part == "" or "[" in part or "]" in part:
            raise errors.bad_data("filter", "not a key path such as a.b.[2].c")
        else:
            path.append(part)
    return path


def _find(document, path):
    for step in path:
        if isinstance(step, int):
            if not isinstance(document, list) or step >= len(document):
                raise errors.posix("enodata")
        elif not isinstance(document, dict) or step not in document:
            raise errors.posix("enodata")
        document = document[step]
    return document


def _insert(document, path, value):
    """A copy of document with value at path (objects made on the way; an
    array element must exist or be the next one)."""
    if not path:
        return value
    step, rest = path[0], path[1:]
    if isinstance(step, int):
        items = list(document) if isinstance(document, list) else []
        if step > len(items):
            raise errors.posix("enodata")
        if step == len(items):
            items.append(_insert(None, rest, value))
        else:
            items[step] = _insert(items[step], rest, value)
        return items
    fields = dict(document) if isinstance(document, dict) else {}
    fields[step] = _insert(fields.get(step), rest, value)
    return fields


def _merge(far, near):
    """Objects merged key by key, anything else: the nearer level."""
    if isinstance(far, dict) and isinstance(near, dict):
        merged = dict(far)
        for key, value in near.items():
            merged[key] = _merge(far[key], value) if key in far else value
        return merged
    return near


class Metadata:
    """Mixin: needs self.state and the helpers of Oneprovider and Writes."""

    def _levels(self, request, id, inherited):
        """The file and (inherited) its ancestors, nearest first; through a
        share, not above the share's root."""
        target = self._target(request, id, public=True)
        chain = [target.node]
        if inherited:
            for ancestor in target.node.ancestors():
                if target.view and chain[-1] is target.view.share.node:
                    break
                chain.append(ancestor)
        return chain

    def _meta_writer(self, request, user, id):
        """The node a metadata write changes, after every check."""
        node = self._writable(request, user, id)
        if "metadata_protection" in datamgmt.protection_flags(node):
            raise errors.posix("eperm")
        return node

    def _changed(self, node, **values):
        with self.state.lock:
            for name, value in values.items():
                setattr(node, name, value)
            node.touch(int(time.time()), content=False)
            self.state.generation += 1
        return Response(204)

    # -- xattrs ----------------------------------------------------------------

    def get_xattrs(self, request, id):
        """GET /data/{id}/metadata/xattrs[?attribute=k][&inherited=true]
        [&show_internal=true]: the file's xattrs (with inherited, those of
        its ancestors too, the nearest winning). Internal keys are the JSON
        document (onedata_json) and the RDF text (onedata_rdf)."""
        opts = options(request)
        inherited = bool_option(opts, "inherited", False)
        internal = bool_option(opts, "show_internal", False)
        bool_option(opts, "resolve_symlink", True)
        wanted = opts.get("attribute")
        if wanted is not None and not isinstance(wanted, str):
            raise errors.bad_value_string("attribute")
        if wanted == "":
            raise errors.bad_value_empty("attribute")
        found = {}
        for level in reversed(self._levels(request, id, inherited)):
            found.update(level.xattrs or {})
            if internal and level.json_meta is not None:
                found["onedata_json"] = level.json_meta
            if internal and level.rdf_meta is not None:
                found["onedata_rdf"] = level.rdf_meta
        if wanted is not None:
            if wanted not in found:
                raise errors.posix("enodata")
            found = {wanted: found[wanted]}
        return Response.json(found)

    def set_xattrs(self, request, id):
        """PUT /data/{id}/metadata/xattrs {"k": "v", ...}: merged into the
        file's xattrs. Values must be strings or numbers."""
        user = self._writer(request, id)
        metadata = self._xattr_body(request)
        for key, value in metadata.items():
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                raise errors.bad_data(key, "an extended attribute value must be a "
                                      "string or a number")
        node = self._meta_writer(request, user, id)
        self._check_xattr_keys(metadata)
        xattrs = dict(node.xattrs or {})
        xattrs.update(metadata)
        return self._changed(node, xattrs=xattrs or None)

    def remove_xattrs(self, request, id):
        """DELETE /data/{id}/metadata/xattrs {"keys": [...]} (or
        ?keys=k&keys=k2); keys that are not set are ignored."""
        user = self._writer(request, id)
        opts = options(request, list_keys=("keys",))
        if "keys" not in opts:
            raise errors.missing_required_value("keys")
        keys = opts["keys"]
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise errors.bad_value_list_of_strings("keys")
        node = self._meta_writer(request, user, id)
        self._check_xattr_keys(keys)
        xattrs = dict(node.xattrs or {})
        for key in keys:
            xattrs.pop(key, None)
        return self._changed(node, xattrs=xattrs or None)

    @staticmethod
    def _xattr_body(request):
        """The JSON object to merge ({} for an empty body): 415 for another
        Content-Type, malformedData for bad JSON, badData for JSON that is
        not an object."""
        if not request.body:
            return {}
        value = Metadata._json_body(request)
        if not isinstance(value, dict):
            raise errors.bad_data("metadata", "must be a JSON object")
        return value

    @staticmethod
    def _json_body(request):
        if _content_type(request) != "application/json":
            raise errors.BareStatus(415)
        try:
            return json.loads(request.body)
        except ValueError:
            raise errors.malformed_data()

    @staticmethod
    def _check_xattr_keys(keys):
        for key in keys:
            if key == "":
                raise errors.posix("einval")
            if key.startswith(RESERVED_XATTR_PREFIXES):
                raise errors.posix("eperm")

    # -- JSON --------------------------------------------------------------------

    def get_json(self, request, id):
        """GET /data/{id}/metadata/json[?filter_type=keypath&filter=...]
        [&inherited=true]."""
        path = _keypath(request)
        opts = {k: v[0] for k, v in request.params.items()}
        inherited = bool_option(opts, "inherited", False)
        bool_option(opts, "resolve_symlink", True)
        documents = [n.json_meta for n in self._levels(request, id, inherited)
                     if n.json_meta is not None]
        if not documents:
            raise errors.posix("enodata")
        merged = documents[-1]
        for document in reversed(documents[:-1]):
            merged = _merge(merged, document)
        return Response.json(_find(merged, path or []))

    def set_json(self, request, id):
        """PUT /data/{id}/metadata/json: the whole document, or (with a
        filter) the value at a key path."""
        user = self._writer(request, id)
        path = _keypath(request)
        if not request.body:
            raise errors.malformed_data()
        value = self._json_body(request)
        node = self._meta_writer(request, user, id)
        if path:
            value = _insert(node.json_meta, path, value)
        return self._changed(node, json_meta=value)

    def remove_json(self, request, id):
        user = self._writer(request, id)
        return self._changed(self._meta_writer(request, user, id), json_meta=None)

    # -- RDF ---------------------------------------------------------------------

    def get_rdf(self, request, id):
        node = self._levels(request, id, False)[0]
        if node.rdf_meta is None:
            raise errors.posix("enodata")
        return Response(200, node.rdf_meta.encode(), RDF_TYPE)

    def set_rdf(self, request, id):
        """PUT /data/{id}/metadata/rdf: the text replaces what was there;
        like op-worker, its well-formedness is not checked."""
        user = self._writer(request, id)
        if _content_type(request) != RDF_TYPE:
            raise errors.BareStatus(415)
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError:
            raise errors.malformed_data()
        return self._changed(self._meta_writer(request, user, id), rdf_meta=text)

    def remove_rdf(self, request, id):
        user = self._writer(request, id)
        return self._changed(self._meta_writer(request, user, id), rdf_meta=None)
