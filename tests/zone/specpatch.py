#!/usr/bin/env python3
"""Patch the official Onedata 21.02 specs where they contradict the real
servers, for the Prism validating proxy.

Usage: specpatch.py SPEC_DIR OUT_DIR

Reads onezone.prefixed.json and oneprovider.prefixed.json from SPEC_DIR
(the official reference data, never modified) and writes patched copies to
OUT_DIR (a build or temporary directory). Each patch is listed in PATCHES
with the reason it exists; the README repeats them. Prints one line per
patch with the number of places it changed.
"""

import copy
import json
import os
import re
import sys

ONEZONE = "onezone.prefixed.json"
ONEPROVIDER = "oneprovider.prefixed.json"
# Deepest relative path a client may look up or address by path.
MAX_SEGMENTS = 32

PUBLIC_WORDING = re.compile(r"does not require authentication|has public access", re.I)


def _operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield path, method, operation


def op_error_shape(specs):
    """The OP spec's Error ({"error": "...", "error_description": "..."}) is
    stale; both services send the Onezone one: {"error": {"id",
    "description", "details"}} (ENDPOINTS.md 11.1, Appendix A.1)."""
    specs[ONEPROVIDER]["definitions"]["Error"] = \
        copy.deepcopy(specs[ONEZONE]["definitions"]["Error"])
    return 1


def public_security(specs):
    """Public operations need no token, but the specs inherit the global
    token requirement, so Prism refuses tokenless calls with its own 401.
    Public = x-onedata-gri scope "public", or documented as not requiring
    authentication (OZ /configuration and /health carry no scope)."""
    changed = 0
    for spec in specs.values():
        for _path, _method, operation in _operations(spec):
            gri = operation.get("x-onedata-gri")
            scope = gri.get("scope") if isinstance(gri, dict) else None
            if scope == "public" or PUBLIC_WORDING.search(operation.get("description", "")):
                operation["security"] = []
                changed += 1
    return changed


def nullable_page_tokens(specs):
    """At the end of a listing the server sends "nextPageToken": null, as
    the ListPageToken description itself says; its type is only "string"."""
    changed = 0

    def walk(node):
        nonlocal changed
        if isinstance(node, dict):
            token = node.get("properties", {}).get("nextPageToken")
            if isinstance(token, dict) and token.get("type") == "string":
                token["x-nullable"] = True
                changed += 1
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for spec in specs.values():
        token = spec["definitions"].get("ListPageToken")
        if token is not None:
            token["x-nullable"] = True
            changed += 1
        walk(spec["paths"])
        walk(spec["definitions"])
    return changed


def multi_segment_paths(specs):
    """/lookup-file-id/{path} and /data/{id}/path/{path} take a whole
    relative path (several segments) in {path}; Prism matches a parameter
    against one segment only, so each becomes explicit templates with 1 to
    MAX_SEGMENTS segment parameters (path1, path2, ...)."""
    paths = specs[ONEPROVIDER]["paths"]
    changed = 0
    for template in [p for p in paths if p.endswith("/{path}")]:
        item = paths.pop(template)
        for count in range(1, MAX_SEGMENTS + 1):
            names = ["path%d" % i for i in range(1, count + 1)]
            new_item = copy.deepcopy(item)
            for method, operation in new_item.items():
                parameters = operation if method == "parameters" \
                    else operation.get("parameters", [])
                expanded = []
                for parameter in parameters:
                    if parameter.get("in") == "path" and parameter.get("name") == "path":
                        for name in names:
                            expanded.append(dict(parameter, name=name,
                                                 description="Path segment."))
                    else:
                        expanded.append(parameter)
                if method == "parameters":
                    new_item["parameters"] = expanded
                else:
                    operation["parameters"] = expanded
                    if "operationId" in operation:
                        operation["operationId"] += "_%d" % count
            segments = "/".join("{%s}" % n for n in names)
            paths[template[:-len("{path}")] + segments] = new_item
        changed += 1
    return changed


# Attributes the server sends as null where they do not apply.
NULLABLE_ATTRIBUTES = (
    "parentFileId",              # null for the space root, trash, share root
    "conflictingName",           # null when there is no name conflict
    "size",                      # null for directories without dir stats
    "isFullyReplicatedLocally",  # null for anything but regular files
    "localReplicationRate",      # null for directories without dir stats
    "symlinkValue",              # null for anything but symlinks
    "archiveRecallRootFileId",   # null outside an archive recall
)


def nullable_file_attributes(specs):
    """FileAttributes types these as plain string/integer/boolean/number,
    while their own descriptions (or the server) give null where the value
    does not apply."""
    properties = specs[ONEPROVIDER]["definitions"]["FileAttributes"]["properties"]
    for name in NULLABLE_ATTRIBUTES:
        properties[name]["x-nullable"] = True
    return len(NULLABLE_ATTRIBUTES)


def nullable_valid_until(specs):
    """infer_access_token_scope answers "validUntil": null for a token
    without a time caveat (it never expires); the spec types it integer."""
    response = specs[ONEZONE]["definitions"]["InferAccessTokenScopeResponse"]
    response["properties"]["validUntil"]["x-nullable"] = True
    return 1


def token_type_enum(specs):
    """TokenPropertyTokenType is an object ({"accessToken": {}} ...) but also
    carries an "enum" of three human-readable strings, which no real token
    type (an object) can match; drop that documentation-only enum."""
    definition = specs[ONEZONE]["definitions"]["TokenPropertyTokenType"]
    return 1 if definition.pop("enum", None) is not None else 0


def json_errors_everywhere(specs):
    """Operations producing only non-JSON media (file content, RDF, the
    symlink value...) still answer errors as JSON Error bodies, which Prism
    refuses unless application/json is among the operation's media types."""
    changed = 0
    for spec in specs.values():
        for _path, _method, operation in _operations(spec):
            produces = operation.get("produces")
            if produces and "application/json" not in produces and any(
                    r.get("schema", {}).get("$ref") == "#/definitions/Error"
                    for r in operation.get("responses", {}).values()):
                operation["produces"] = produces + ["application/json"]
                changed += 1
    return changed


def inheritance_path_spelling(specs):
    """FileInheritancePath's enum says direct_and_ancestor; 21.02.7 sends
    directAndAncestor (effDatasetInheritancePath, effQosInheritancePath;
    ENDPOINTS.md A.5). The server's spelling is added to the enum."""
    enum = specs[ONEPROVIDER]["definitions"]["FileInheritancePath"]["enum"]
    if "directAndAncestor" in enum:
        return 0
    enum.append("directAndAncestor")
    return 1


def nullable_ids(specs):
    """Ids documented as "or null" but typed string: a top dataset's
    parentId, the directDataset of a file with no dataset of its own, and
    the handleId of a share without a handle (both services)."""
    places = ((ONEPROVIDER, "Dataset", "parentId"),
              (ONEPROVIDER, "DatasetSummary", "directDataset"),
              (ONEPROVIDER, "Share", "handleId"),
              (ONEZONE, "Share", "handleId"))
    for spec, definition, name in places:
        specs[spec]["definitions"][definition]["properties"][name]["x-nullable"] = True
    return len(places)


def nullable_distribution(specs):
    """DataDistribution: a storage without a replica has a null location
    (as locationsPerStorage's own description says), and a directory's
    virtualSize and physicalSize are null on a provider whose directory
    statistics are off or not ready (they come from them)."""
    provider = specs[ONEPROVIDER]["definitions"]["DataDistribution"]["properties"][
        "distributionPerProvider"]["additionalProperties"]["properties"]
    provider["virtualSize"]["x-nullable"] = True
    provider["locationsPerStorage"]["additionalProperties"]["x-nullable"] = True
    provider["distributionPerStorage"]["additionalProperties"]["properties"][
        "physicalSize"]["x-nullable"] = True
    return 3


def xattr_values(specs):
    """Extended attribute values are strings or numbers (ENDPOINTS.md 4;
    the fixture's voltage_kV is 300), while get_xattrs' answer and
    set_xattr's body type every value as a string; the value type is
    dropped (any JSON value is then accepted)."""
    operations = specs[ONEPROVIDER]["paths"]["/api/v3/oneprovider/data/{id}/metadata/xattrs"]
    schemas = [operations["get"]["responses"]["200"]["schema"]]
    schemas += [p["schema"] for p in operations["put"]["parameters"] if p.get("in") == "body"]
    for schema in schemas:
        schema["additionalProperties"] = {
            "description": "A string or a number."}
    return len(schemas)


def json_metadata_document(specs):
    """A file's JSON metadata is a JSON document (an object in practice,
    any JSON value for the server), sent and answered as application/json;
    get_json_metadata's answer and set_json_metadata's body are typed as
    a string, which no document but a bare JSON string matches. The type
    is dropped (any JSON value is then accepted)."""
    operations = specs[ONEPROVIDER]["paths"]["/api/v3/oneprovider/data/{id}/metadata/json"]
    schemas = [operations["get"]["responses"]["200"]]
    schemas += [p for p in operations["put"]["parameters"] if p.get("in") == "body"]
    for holder in schemas:
        holder["schema"] = {"description": "A JSON document."}
    return len(schemas)


# Operations that serve share-scoped file ids without a token (OZ
# get_shared_data redirects to them; ENDPOINTS.md 5.3).
SHARE_PUBLIC_OPERATIONS = ("get_attrs", "list_children", "list_files_recursively",
                           "download_file_content", "get_xattrs", "get_json_metadata",
                           "get_rdf_metadata")


def share_public_access(specs):
    """The operations a share-scoped id is served by need no token (the
    OZ get_shared_data description sends anonymous clients there), but
    inherit the global token requirement; an empty requirement ({}) makes
    the token optional for Prism."""
    changed = 0
    for _path, _method, operation in _operations(specs[ONEPROVIDER]):
        if operation.get("operationId") in SHARE_PUBLIC_OPERATIONS:
            operation["security"] = copy.deepcopy(specs[ONEPROVIDER]["security"]) + [{}]
            changed += 1
    return changed


def shared_data_subpaths(specs):
    """GET /shares/data/{file_id}/{subpath}: subpath may be empty (the
    attributes) or two segments (metadata/xattrs), as its description
    lists; Prism matches {subpath} against exactly one segment, so the
    other two forms get templates of their own."""
    paths = specs[ONEZONE]["paths"]
    template = "/api/v3/onezone/shares/data/{file_id}/{subpath}"
    item = paths[template]
    bare = copy.deepcopy(item)
    for operation in bare.values():
        operation["parameters"] = [p for p in operation["parameters"]
                                   if p.get("name") != "subpath"]
        operation["operationId"] += "_attributes"
    two = copy.deepcopy(item)
    for operation in two.values():
        parameters = []
        for parameter in operation["parameters"]:
            if parameter.get("name") == "subpath":
                parameters += [dict(parameter, name="subpath1"),
                               dict(parameter, name="subpath2")]
            else:
                parameters.append(parameter)
        operation["parameters"] = parameters
        operation["operationId"] += "_2"
    paths["/api/v3/onezone/shares/data/{file_id}"] = bare
    paths["/api/v3/onezone/shares/data/{file_id}/{subpath1}/{subpath2}"] = two
    return 2


def json_body_media(specs):
    """Operations with a JSON body parameter but no "consumes" (OP
    remove_xattrs' {"keys": [...]}, many OZ PATCH/POST ones) take
    application/json, like every other JSON endpoint (ENDPOINTS.md 0);
    without a media type Prism refuses any body they are sent."""
    changed = 0
    for spec in specs.values():
        for _path, _method, operation in _operations(spec):
            if not operation.get("consumes") and any(
                    p.get("in") == "body" for p in operation.get("parameters", [])):
                operation["consumes"] = ["application/json"]
                changed += 1
    return changed


def nullable_transfer_fields(specs):
    """TransferStatus requires rerunId, replicatingProviderId,
    evictingProviderId and callback as strings, while their descriptions
    (and the spec's own example) give null where there is none: a transfer
    not rerun, an eviction (no replicating provider), a replication (no
    evicting one), no callback."""
    properties = specs[ONEPROVIDER]["definitions"]["TransferStatus"]["properties"]
    names = ("rerunId", "replicatingProviderId", "evictingProviderId", "callback")
    for name in names:
        properties[name]["x-nullable"] = True
    return len(names)


def evaluate_qos_body(specs):
    """evaluate_qos_expression types its body as a bare string, but the
    server parses it as JSON parameters ("x-onedata-parse_body":
    "as_json_params") and its own example (and op-worker) take
    {"expression": "..."}."""
    operation = specs[ONEPROVIDER]["paths"][
        "/api/v3/oneprovider/spaces/{sid}/evaluate_qos_expression"]["post"]
    changed = 0
    for parameter in operation["parameters"]:
        if parameter.get("in") == "body":
            parameter["schema"] = {
                "type": "object", "required": ["expression"],
                "properties": {"expression": {"type": "string",
                                              "example": "geo=PL & type=disk"}}}
            changed += 1
    return changed


def archive_states(specs):
    """ArchiveState lists pending, building, preserved, failed, purging;
    21.02.7 also has verifying, verification_failed, deleting, cancelling
    and cancelled (ENDPOINTS.md A.10), which are added."""
    enum = specs[ONEPROVIDER]["definitions"]["ArchiveState"]["enum"]
    added = [s for s in ("verifying", "verification_failed", "deleting", "cancelling",
                         "cancelled") if s not in enum]
    enum.extend(added)
    return len(added)


def nullable_archive_fields(specs):
    """An archive without callbacks, base archive or related AIP/DIP sends
    null for them (the descriptions of the last two say so)."""
    definitions = specs[ONEPROVIDER]["definitions"]
    for name in ("ArchivePreservedCallback", "ArchiveDeletedCallback", "ArchiveBase"):
        definitions[name]["x-nullable"] = True
    for name in ("relatedAipId", "relatedDipId"):
        definitions["Archive"]["properties"][name]["x-nullable"] = True
    return 5


def archive_recall(specs):
    """recall_archive: 21.02.7 requires parentDirectoryId (the spec's
    required list names targetParentId, a property it does not define)
    and answers 201, not 200 (ENDPOINTS.md A.9)."""
    request = specs[ONEPROVIDER]["definitions"]["ArchiveRecallRequest"]
    request["required"] = ["parentDirectoryId"]
    responses = specs[ONEPROVIDER]["paths"][
        "/api/v3/oneprovider/archives/{aid}/recall"]["post"]["responses"]
    responses["201"] = responses.pop("200")
    return 2


def recall_details(specs):
    """ArchiveRecallDetails requires "datasetid" (a typo: the property is
    datasetId), and startTime, finishTime and lastError are null until the
    recall starts, ends or fails, as their descriptions say."""
    details = specs[ONEPROVIDER]["definitions"]["ArchiveRecallDetails"]
    details["required"] = ["datasetId" if r == "datasetid" else r for r in details["required"]]
    for name in ("startTime", "finishTime", "lastError"):
        details["properties"][name]["x-nullable"] = True
    return 4


# Space privileges 21.02.7 has that the SpacePrivileges enum lacks
# (ENDPOINTS.md A.13); GET /spaces/privileges lists them.
SERVER_SPACE_PRIVILEGES = (
    "space_manage_datasets", "space_view_archives", "space_create_archives",
    "space_remove_archives", "space_recall_archives",
    "space_view_atm_workflow_executions", "space_schedule_atm_workflow_executions",
    "space_manage_atm_workflow_executions")


def space_privilege_vocabulary(specs):
    """The SpacePrivileges enum lacks the dataset, archive and automation
    privileges the server has (ENDPOINTS.md A.13), and the server's manager
    set includes space_register_files, which SpaceManagerPrivileges lacks
    (Appendix B); both enums get them."""
    definitions = specs[ONEZONE]["definitions"]
    enum = definitions["SpacePrivileges"]["items"]["enum"]
    added = [p for p in SERVER_SPACE_PRIVILEGES if p not in enum]
    enum.extend(added)
    manager = definitions["SpaceManagerPrivileges"]["items"]["enum"]
    if "space_register_files" not in manager:
        manager.append("space_register_files")
        added.append("space_register_files")
    return len(added)


def create_group_body(specs):
    """create_user_group types its body as Group, which requires groupId
    and creationTime, values the server makes; it reads the group's name and
    type, as GroupCreateRequest (the body of POST /groups) says."""
    operation = specs[ONEZONE]["paths"]["/api/v3/onezone/user/groups"]["post"]
    changed = 0
    for parameter in operation["parameters"]:
        if parameter.get("in") == "body":
            parameter["schema"] = {"$ref": "#/definitions/GroupCreateRequest"}
            changed += 1
    return changed


PATCHES = (op_error_shape, public_security, nullable_page_tokens,
           multi_segment_paths, nullable_file_attributes, nullable_valid_until,
           token_type_enum, json_errors_everywhere, inheritance_path_spelling,
           nullable_ids, nullable_distribution, xattr_values, share_public_access,
           shared_data_subpaths, json_body_media, nullable_transfer_fields,
           evaluate_qos_body, archive_states, nullable_archive_fields, archive_recall,
           recall_details, json_metadata_document, space_privilege_vocabulary,
           create_group_body)


def patch(spec_dir, out_dir):
    """Write the patched specs; returns {patch name: places changed}."""
    specs = {}
    for name in (ONEZONE, ONEPROVIDER):
        with open(os.path.join(spec_dir, name)) as source:
            specs[name] = json.load(source)
    report = {p.__name__: p(specs) for p in PATCHES}
    os.makedirs(out_dir, exist_ok=True)
    for name, spec in specs.items():
        with open(os.path.join(out_dir, name), "w") as out:
            json.dump(spec, out)
    return report


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: specpatch.py SPEC_DIR OUT_DIR")
    spec_dir, out_dir = (os.path.abspath(a) for a in sys.argv[1:])
    if os.path.commonpath([spec_dir, out_dir]) == spec_dir:
        sys.exit("specpatch.py: OUT_DIR must not be inside SPEC_DIR")
    for name, count in patch(spec_dir, out_dir).items():
        print("%-26s %d" % (name, count))


if __name__ == "__main__":
    main()
