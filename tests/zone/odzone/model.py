"""The zone's state: users, groups, providers, spaces and file trees.

Metadata lives in memory (the fixture is rebuilt on every start, with the
same ids); file contents live in DIR/blobs/<fileId>. A file's initial
content is a pure function of its id (see ``content_chunk``), materialized
into its blob on first read, so even a 100,000-entry directory costs no disk
until someone downloads from it.
"""

import base64
import binascii
import bisect
import hashlib
import json
import os
import threading

from . import errors
from .tokens import TokenRegistry

FILE_MODE = 0o664
DIR_MODE = 0o775
CONTENT_CHUNK = 1 << 20


def md5hex(text):
    return hashlib.md5(text.encode()).hexdigest()


# -- file ids ------------------------------------------------------------------
#
# Shaped like real CDMI object ids: a header (reserved byte, 24-bit enterprise
# number, reserved byte, data length, CRC-16 of the data) followed by the
# file's GUID "guid#<uuid>#<spaceId>", all hex-encoded in upper case. The same
# id is valid on every provider supporting the space.

def make_file_id(uuid, space_id):
    data = ("guid#%s#%s" % (uuid, space_id)).encode()
    header = bytes([0, 0, 0, 0, 0, len(data)]) + \
        binascii.crc_hqx(data, 0).to_bytes(2, "big")
    return (header + data).hex().upper()


def parse_file_id(file_id):
    """(uuid, spaceId) of a well-formed file id, else None."""
    try:
        raw = bytes.fromhex(file_id)
    except ValueError:
        return None
    if len(raw) < 8 or raw[:5] != bytes(5) or raw[5] != len(raw) - 8:
        return None
    data = raw[8:]
    if binascii.crc_hqx(data, 0).to_bytes(2, "big") != raw[6:8]:
        return None
    parts = data.decode("ascii", "replace").split("#")
    if len(parts) != 3 or parts[0] != "guid":
        return None
    return parts[1], parts[2]


def content_chunk(file_id, index):
    """Chunk `index` (CONTENT_CHUNK bytes) of a file's generated content.

    content = SHAKE128("onetui-zone:<fileId>:<chunk index>") for every 1 MiB
    chunk, concatenated and cut to the file's size. Any chunk can be made on
    its own, so tests can recompute any range of any file."""
    seed = "onetui-zone:%s:%d" % (file_id, index)
    return hashlib.shake_128(seed.encode()).digest(CONTENT_CHUNK)


# -- listing cursors -------------------------------------------------------------
#
# A child's "index" attribute and a page's nextPageToken are opaque strings
# carrying a name, so a listing resumes with one bisect, whatever the size of
# the directory. The 0x83 byte makes an encoded index distinguishable from a
# plain name given as the `index` option (no UTF-8 name starts with it).

def encode_index(name):
    return base64.urlsafe_b64encode(b"\x83" + name.encode()).rstrip(b"=").decode()


def decode_index(value):
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        if raw[:1] == b"\x83":
            return raw[1:].decode()
    except (ValueError, binascii.Error):
        pass
    return value


def encode_page_token(directory, last_name):
    payload = json.dumps({"d": directory.uuid, "n": last_name},
                         separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).rstrip(b"=").decode()


def decode_page_token(directory, token):
    """The last name listed, or badData when the token is not ours."""
    try:
        payload = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if payload["d"] == directory.uuid and isinstance(payload["n"], str):
            return payload["n"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        pass
    raise errors.bad_data("token", "not a listing token of this directory")


# -- entities ----------------------------------------------------------------------

class User:
    def __init__(self, username, full_name, emails, linked_accounts,
                 display_uid, creation_time):
        self.id = md5hex("user:" + username)
        self.username = username
        self.full_name = full_name
        self.emails = emails
        self.linked_accounts = linked_accounts
        self.display_uid = display_uid
        self.creation_time = creation_time


class Group:
    def __init__(self, name, group_type, members):
        self.id = md5hex("group:" + name)
        self.name = name
        self.type = group_type
        self.members = set(u.id for u in members)


class Provider:
    def __init__(self, name, latitude, longitude, creation_time):
        digest = md5hex("provider:" + name)
        self.id = digest + "ch" + md5hex("cluster:" + name)[:4]
        self.name = name
        self.latitude = latitude
        self.longitude = longitude
        self.creation_time = creation_time
        self.online = True
        self.url = None          # where it really listens (set at start-up)
        self.advertised = None   # domain the zone reports, if overridden

    @property
    def domain(self):
        """The domain the zone reports for this provider."""
        if self.advertised:
            return self.advertised
        return self.url.split("://", 1)[1]


class Support:
    def __init__(self, provider, size, readonly=False):
        self.provider = provider
        self.size = size
        self.readonly = readonly


class Node:
    """A file or directory. Directories keep their children's names sorted
    (Python's str order is UTF-8 byte order), next to a name -> node map."""

    __slots__ = ("uuid", "space", "name", "parent", "is_dir", "size", "mode",
                 "owner", "origin", "mtime", "atime", "ctime", "xattrs",
                 "replicas", "names", "by_name", "_file_id")

    def __init__(self, space, parent, name, is_dir, size, owner, origin,
                 mtime, atime=None, ctime=None, uuid=None):
        self.space = space
        self.parent = parent
        self.name = name
        self.is_dir = is_dir
        self.size = None if is_dir else size
        self.mode = DIR_MODE if is_dir else FILE_MODE
        self.owner = owner
        self.origin = origin
        self.mtime = mtime
        self.atime = mtime if atime is None else atime
        self.ctime = mtime if ctime is None else ctime
        self.xattrs = None
        # None: complete replicas on every supporting provider; otherwise
        # {providerId: local replication rate}, absent providers hold nothing.
        self.replicas = None
        self.uuid = uuid or md5hex("node:%s:%s:%s" % (
            space.id, parent.uuid if parent else "", name))
        self._file_id = None
        if is_dir:
            self.names = []
            self.by_name = {}

    @property
    def file_id(self):
        if self._file_id is None:
            self._file_id = make_file_id(self.uuid, self.space.id)
        return self._file_id

    @property
    def creation_time(self):
        return min(self.atime, self.mtime, self.ctime)

    @property
    def path(self):
        parts = []
        node = self
        while node.parent is not None:
            parts.append(node.name)
            node = node.parent
        if node is not self.space.root:     # trash and archives roots
            parts.append(node.name)
        parts.append(self.space.name)
        return "/" + "/".join(reversed(parts))

    def replication_rate(self, provider_id):
        if self.replicas is None:
            return 1.0
        return self.replicas.get(provider_id, 0.0)


class Space:
    def __init__(self, name, description, creator, creation_time, tags=(),
                 organization="", display_gid=0):
        self.id = md5hex("space:" + name)
        self.name = name
        self.description = description
        self.creator = creator
        self.creation_time = creation_time
        self.tags = list(tags)
        self.organization = organization
        self.display_gid = display_gid
        self.users = set()       # direct members (user ids)
        self.groups = set()      # member groups (group ids)
        self.supports = {}       # providerId -> Support
        # The space directory and the two hidden roots the Oneprovider
        # reports in GET /spaces/{sid} (never listed among children).
        self.root = Node(self, None, name, True, None, creator, None,
                         creation_time, uuid=md5hex("root:" + self.id))
        self.trash = Node(self, None, ".trash", True, None, creator, None,
                          creation_time, uuid=md5hex("trash:" + self.id))
        self.archives = Node(self, None, ".__onedata__archive", True, None,
                             creator, None, creation_time,
                             uuid=md5hex("archives:" + self.id))


class State:
    def __init__(self, data_dir):
        self.data_dir = data_dir
        self.blob_dir = os.path.join(data_dir, "blobs")
        os.makedirs(self.blob_dir, exist_ok=True)
        self.lock = threading.RLock()
        self.blob_lock = threading.Lock()
        self.zone_name = None
        self.zone_url = None
        self.zone_advertised = None
        self.users = {}          # id -> User
        self.groups = {}         # id -> Group
        self.providers = {}      # id -> Provider
        self.spaces = {}         # id -> Space
        self.nodes = {}          # uuid -> Node
        self.tokens = TokenRegistry()

    # -- registration --------------------------------------------------------

    def add_user(self, user):
        self.users[user.id] = user
        return user

    def add_group(self, group):
        self.groups[group.id] = group
        return group

    def add_provider(self, provider):
        self.providers[provider.id] = provider
        return provider

    def add_space(self, space):
        self.spaces[space.id] = space
        for node in (space.root, space.trash, space.archives):
            self.nodes[node.uuid] = node
        return space

    @property
    def zone_domain(self):
        return self.zone_advertised or self.zone_url.split("://", 1)[1]

    # -- membership ------------------------------------------------------------

    def direct_spaces(self, user_id):
        return [s for s in self.spaces.values() if user_id in s.users]

    def effective_spaces(self, user_id):
        groups = {g.id for g in self.groups.values() if user_id in g.members}
        return [s for s in self.spaces.values()
                if user_id in s.users or s.groups & groups]

    def is_member(self, user_id, space):
        return space in self.effective_spaces(user_id)

    def effective_providers(self, user_id):
        seen = {}
        for space in self.effective_spaces(user_id):
            for pid in space.supports:
                seen[pid] = self.providers[pid]
        return list(seen.values())

    # -- trees -----------------------------------------------------------------

    def add_node(self, parent, node):
        """Attach one node, keeping the parent's names sorted."""
        with self.lock:
            if node.name in parent.by_name:
                raise errors.posix("eexist")
            bisect.insort(parent.names, node.name)
            parent.by_name[node.name] = node
            self.nodes[node.uuid] = node
        return node

    def add_nodes(self, parent, nodes):
        """Attach many nodes with one sort (used for big directories)."""
        with self.lock:
            for node in nodes:
                parent.by_name[node.name] = node
                self.nodes[node.uuid] = node
            parent.names = sorted(parent.by_name)

    def node_by_file_id(self, file_id):
        """Resolve a file id or a space id; raises badValueIdentifier.

        Returns (spaceId, space, node): space is None for an unknown space,
        node is None for a well-formed id of a file that does not exist (the
        caller decides between forbidden, spaceNotSupportedBy and enoent)."""
        if file_id in self.spaces:
            space = self.spaces[file_id]
            return space.id, space, space.root
        parsed = parse_file_id(file_id)
        if parsed is None:
            raise errors.bad_value_identifier("id")
        uuid, space_id = parsed
        space = self.spaces.get(space_id)
        node = self.nodes.get(uuid)
        if node is not None and node.space is not space:
            node = None
        return space_id, space, node

    def resolve_path(self, space, segments):
        node = space.root
        for name in segments:
            if not node.is_dir or name not in node.by_name:
                return None
            node = node.by_name[name]
        return node

    # -- contents --------------------------------------------------------------

    def blob_path(self, node):
        """Path of a file's blob, generating it on first use."""
        path = os.path.join(self.blob_dir, node.file_id)
        with self.blob_lock:
            try:
                if os.path.getsize(path) == node.size:
                    return path
            except OSError:
                pass
            tmp = path + ".tmp"
            with open(tmp, "wb") as out:
                remaining, index = node.size, 0
                while remaining > 0:
                    chunk = content_chunk(node.file_id, index)[:remaining]
                    out.write(chunk)
                    remaining -= len(chunk)
                    index += 1
            os.replace(tmp, path)
        return path
