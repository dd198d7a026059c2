"""The zone's state: users, groups, providers, spaces and file trees.

Metadata lives in memory (the fixture is rebuilt on every start, with the
same ids); file contents live in DIR/blobs/<fileId>. A fixture file's
content is a pure function of its id (see ``content_chunk``), cached in its
blob on first read, so even a 100,000-entry directory costs no disk until
someone downloads from it. Once a file is written (or created through the
API) its blob is its content ("materialized"), see content.py.

Every change of the trees (create, delete, size and times after a write,
xattrs) happens under ``State.lock``; the HTTP server is threaded.
"""

import base64
import binascii
import bisect
import hashlib
import json
import os
import secrets
import threading
import time

from . import errors
from .tokens import TokenRegistry
from .transfers import Engine

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


def make_share_file_id(uuid, space_id, share_id):
    """The share-scoped id of a file seen through a share (a share's
    rootFileId, and the ids its listings give): read-only, served without
    a token. GUID "shareGuid#<uuid>#<spaceId>#<shareId>", as op-worker's."""
    data = ("shareGuid#%s#%s#%s" % (uuid, space_id, share_id)).encode()
    header = bytes([0, 0, 0, 0, 0, len(data)]) + \
        binascii.crc_hqx(data, 0).to_bytes(2, "big")
    return (header + data).hex().upper()


def parse_file_id(file_id):
    """(uuid, spaceId, shareId) of a well-formed file id, else None;
    shareId is None for a private (non share-scoped) id."""
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
    if len(parts) == 3 and parts[0] == "guid":
        return parts[1], parts[2], None
    if len(parts) == 4 and parts[0] == "shareGuid" and parts[3]:
        return parts[1], parts[2], parts[3]
    return None


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
    def __init__(self, name, group_type, members, group_id=None, creator=None,
                 creation_time=0):
        self.id = group_id or md5hex("group:" + name)
        self.name = name
        self.type = group_type
        self.members = set(u.id for u in members)
        # Members holding every group privilege (group_add_space...);
        # the others hold the member default, group_view.
        self.admins = set()
        self.creator = creator
        self.creation_time = creation_time
        self.child_groups = set()     # groups that joined this one


class Provider:
    def __init__(self, name, latitude, longitude, creation_time, qos_parameters=None,
                 storage_name=None):
        digest = md5hex("provider:" + name)
        self.id = digest + "ch" + md5hex("cluster:" + name)[:4]
        self.name = name
        # One storage backend per provider, with the QoS parameters its
        # admins set (storageId and providerId are implicit, as in Onedata).
        self.storage_id = md5hex("storage:" + name) + "ch" + \
            md5hex("storage-cluster:" + name)[:4]
        self.storage_name = storage_name or name
        self.qos_parameters = dict(qos_parameters or {})
        self.qos_parameters.update({"storageId": self.storage_id, "providerId": self.id})
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


DIR_STATS_STATUSES = ("enabled", "disabled", "initializing", "stopping")


class Support:
    def __init__(self, provider, size, readonly=False, dir_stats="disabled"):
        assert dir_stats in DIR_STATS_STATUSES
        self.provider = provider
        self.size = size
        self.readonly = readonly
        # The directory statistics service of this provider for this space:
        # its dirStatsServiceStatus in Onezone's supportParametersRegistry.
        self.dir_stats = dir_stats

    @property
    def dir_stats_enabled(self):
        """dirStatsServiceEnabled: the setting, ahead of the status."""
        return self.dir_stats in ("enabled", "initializing")


class Node:
    """A file or directory. Directories keep their children's names sorted
    (Python's str order is UTF-8 byte order), next to a name -> node map."""

    __slots__ = ("uuid", "space", "name", "parent", "is_dir", "size", "mode",
                 "owner", "origin", "mtime", "atime", "ctime", "created",
                 "xattrs", "json_meta", "rdf_meta", "replicas", "distribution_errors", "dataset",
                 "shares", "qos", "materialized", "corruption", "names",
                 "by_name", "_file_id")

    def __init__(self, space, parent, name, is_dir, size, owner, origin,
                 mtime, atime=None, ctime=None, uuid=None, created=None):
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
        # Creation time of files made through the API (the fixture's is
        # the earliest of its times).
        self.created = created
        # {key: string or number}; replaced as a whole on every change, so
        # readers never see a dict being modified.
        self.xattrs = None
        self.json_meta = None    # the JSON metadata document, any JSON value
        self.rdf_meta = None     # the RDF metadata, text
        # None: one complete replica, on the provider where the file was
        # created (its origin); otherwise {providerId: share of the bytes
        # held there}, absent providers hold nothing.
        self.replicas = None
        # {providerId: OdError}: that provider fails to report the file's
        # distribution (GET /data/{id}/distribution answers success false).
        self.distribution_errors = None
        self.dataset = None      # Dataset established on this node, if any
        self.shares = None       # [Share] created for this node
        self.qos = None          # [QosRequirement] set directly on this node
        # True once the blob is the content (written, or created through
        # the API); until then it is generated from the id.
        self.materialized = False
        # {providerId: {offset: xor mask}}: bytes a provider's stored
        # replica has wrong (control API "corrupt"); None when intact.
        self.corruption = None
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
        if self.created is not None:
            return self.created
        return min(self.atime, self.mtime, self.ctime)

    def touch(self, now, content=True):
        """A change at `now`: ctime, and mtime for a content change (the
        creation time stays what it was)."""
        self.created = self.creation_time
        self.ctime = now
        if content:
            self.mtime = now

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

    @property
    def origin_provider(self):
        return self.origin or next(iter(self.space.supports), None)

    def ancestors(self):
        """The parent, its parent, ... up to the space root (nearest first)."""
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def share_of_bytes(self, provider_id):
        """The declared share of the file's bytes held by a provider."""
        if self.replicas is None:
            return 1.0 if provider_id == self.origin_provider else 0.0
        return self.replicas.get(provider_id, 0.0)

    def blocks(self, provider_id):
        """[[offset, size], ...] held by a provider (regular files).

        A complete replica is one block; a partial one (a transfer in
        progress) is the first half of its bytes at offset 0 and the rest
        from the middle of the file."""
        share = self.share_of_bytes(provider_id)
        if self.is_dir or not self.size or share <= 0:
            return []
        if share >= 1.0:
            return [[0, self.size]]
        held = int(self.size * share)
        if share > 0.5:
            return [[0, held]]
        first = held // 2
        blocks = [[0, first]] if first else []
        if held - first:
            blocks.append([self.size // 2, held - first])
        return blocks

    def physical_size(self, provider_id):
        return sum(size for _, size in self.blocks(provider_id))

    def replication_rate(self, provider_id):
        """localReplicationRate: held bytes / size (an empty file is
        complete everywhere: there is nothing to replicate)."""
        if not self.size:
            return 1.0
        return self.physical_size(provider_id) / self.size


class Space:
    def __init__(self, name, description, creator, creation_time, tags=(),
                 organization="", display_gid=0, space_id=None):
        self.id = space_id or md5hex("space:" + name)
        self.name = name
        self.description = description
        self.creator = creator
        self.creation_time = creation_time
        self.tags = list(tags)
        self.organization = organization
        self.display_gid = display_gid
        # Direct members and the privileges each holds directly in the
        # space: userId / groupId -> set of privilege names. A user's
        # effective privileges are the union of their direct ones and
        # those of every member group they belong to (State.effective_privileges).
        self.user_privileges = {}
        self.group_privileges = {}
        # Owners (user ids): hold every privilege, as in Onedata; the
        # creator of a space made through the API is its first owner.
        self.owners = set()
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

    @property
    def users(self):
        """Direct member users (ids)."""
        return self.user_privileges.keys()

    @property
    def groups(self):
        """Direct member groups (ids)."""
        return self.group_privileges.keys()


PROTECTION_FLAGS = ("data_protection", "metadata_protection")


class Dataset:
    """A dataset established on a file or directory. Attached datasets form
    a tree following the file tree; a detached one keeps the path and parent
    it had when it was detached."""

    def __init__(self, node, protection_flags, creation_time, state="attached",
                 detached_parent=None):
        assert state in ("attached", "detached")
        assert set(protection_flags) <= set(PROTECTION_FLAGS)
        self.id = md5hex("dataset:%s:%s" % (node.space.id, node.uuid))
        self.node = node
        self.space = node.space
        self.state = state
        # In Onedata's order (data before metadata), whatever the input.
        self.protection_flags = [f for f in PROTECTION_FLAGS if f in protection_flags]
        self.creation_time = creation_time
        self.detached_parent = detached_parent   # Dataset, for detached ones
        self.detached_path = node.path if state == "detached" else None
        self.root_deleted = False

    def detach(self, deleted=False):
        """Detach (when its root file is deleted: Onedata does it then),
        keeping the path and parent it had."""
        if self.attached:
            ancestors = [a.dataset for a in self.node.ancestors()
                         if a.dataset is not None and a.dataset.attached]
            self.detached_parent = ancestors[0] if ancestors else None
            self.detached_path = self.node.path
            self.state = "detached"
        self.root_deleted = self.root_deleted or deleted

    @property
    def name(self):
        return self.node.name

    @property
    def attached(self):
        return self.state == "attached"


ARCHIVE_STATES = ("pending", "building", "verifying", "preserved", "failed",
                  "verification_failed", "deleting", "cancelling", "cancelled")
# States an archive may be deleted in (forbiddenForCurrentArchiveState
# otherwise): those where nothing runs on it.
ARCHIVE_DELETABLE = ("preserved", "failed", "verification_failed", "cancelled")


class Archive:
    """An archive of a dataset, made over time by an archives.ArchiveJob:
    its files are copied under `root` (a directory below the space's
    hidden archives directory) as they are archived."""

    def __init__(self, dataset, config, description, creator, creation_time,
                 preserved_callback=None, deleted_callback=None, base=None):
        self.id = secrets.token_hex(16)
        self.dataset = dataset
        self.space = dataset.space
        self.config = config
        self.description = description
        self.creator = creator
        self.creation_time = creation_time
        self.preserved_callback = preserved_callback
        self.deleted_callback = deleted_callback
        self.base = base                    # the base Archive of an incremental one
        self.state = "pending"
        self.files_archived = 0
        self.files_failed = 0
        self.bytes_archived = 0
        self.root = None                    # Node, made when building starts
        # (path relative to the dataset root, Node in the archive), in
        # the order they were archived: what a recall copies.
        self.files = []


class Recall:
    """An archive being (or having been) recalled into `root`, by the
    provider that was asked; archives.RecallJob copies the files."""

    def __init__(self, archive, root, provider_id):
        self.archive = archive
        self.root = root
        self.provider_id = provider_id
        self.start_ms = None
        self.finish_ms = None
        self.files_copied = 0
        self.bytes_copied = 0
        self.files_failed = 0
        self.last_error = None              # (fileId, OdError)
        self.job = None                     # archives.RecallJob
        self.total_files = len(archive.files)
        self.total_bytes = sum(n.size or 0 for _, n in archive.files)


class Share:
    def __init__(self, node, name, description, creator, creation_time, id=None):
        digest = md5hex("share:%s:%s" % (node.space.id, node.uuid))
        # The fixture's ids are derived from the file; shares made through
        # the API get a fresh one (a file may have many shares).
        self.id = id or digest + "ch" + md5hex("share-handle:" + digest)[:4]
        self.node = node
        self.space = node.space
        self.name = name
        self.description = description
        self.creator = creator
        self.creation_time = creation_time
        self.handle = None       # the id of its Handle, if one was registered

    @property
    def root_file_id(self):
        return make_share_file_id(self.node.uuid, self.space.id, self.id)


class QosRequirement:
    """A QoS requirement. The fixture's are static (their reconciliation
    ended long ago); one added through the API has a reconciliation job
    (transfers.Job) that replicates the files below it over time."""

    def __init__(self, node, expression, replicas_num, creation_time, id=None,
                 creator=None):
        self.id = id or md5hex("qos:%s:%s:%s" % (node.uuid, expression, replicas_num))
        self.node = node
        self.space = node.space
        self.expression = expression       # infix, as GET shows it
        self.replicas_num = replicas_num
        self.creation_time = creation_time
        self.creator = creator or node.space.creator
        self.job = None
        self.audit = {}                    # providerId -> [audit log entries]


class State:
    def __init__(self, data_dir):
        self.data_dir = data_dir
        self.blob_dir = os.path.join(data_dir, "blobs")
        os.makedirs(self.blob_dir, exist_ok=True)
        self.lock = threading.RLock()
        self.blob_lock = threading.Lock()
        self._node_locks = {}
        self._node_locks_lock = threading.Lock()
        self.zone_name = None
        self.zone_url = None
        self.zone_advertised = None
        self.users = {}          # id -> User
        self.groups = {}         # id -> Group
        self.providers = {}      # id -> Provider
        self.spaces = {}         # id -> Space
        self.nodes = {}          # uuid -> Node
        self.datasets = {}       # id -> Dataset
        self.shares = {}         # id -> Share
        self.qos = {}            # id -> QosRequirement
        self.handle_services = {}  # id -> ozshares.HandleService
        self.handles = {}        # id -> ozshares.Handle
        # Onezone admin privileges (oz_shares_list...) by user id.
        self.oz_privileges = {}
        self.archives = {}       # id -> Archive
        self.recalls = {}        # uuid of a recall's root -> Recall
        self.tokens = TokenRegistry()
        # Transfers and QoS reconciliation over simulated time.
        self.engine = Engine(self)
        # Derived values (directory statistics, QoS fulfilment...) are
        # memoized until the tree changes (the generation moves on).
        self.generation = 0
        self._memo = {}
        self._memo_generation = 0
        self._memo_lock = threading.Lock()

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

    def add_dataset(self, dataset):
        self.datasets[dataset.id] = dataset
        dataset.node.dataset = dataset
        return dataset

    def remove_dataset(self, dataset):
        with self.lock:
            self.datasets.pop(dataset.id, None)
            if dataset.node.dataset is dataset:
                dataset.node.dataset = None
            self.generation += 1

    def dataset_archives(self, dataset):
        """The dataset's archives, newest first (as op-worker lists them);
        two made in the same second, the later one first."""
        made = [(-a.creation_time, -order, a) for order, a in enumerate(self.archives.values())
                if a.dataset is dataset]
        return [a for _, _, a in sorted(made, key=lambda m: m[:2])]

    def recall_root(self, node):
        """The Recall whose root is `node` or one of its ancestors."""
        for item in [node] + list(node.ancestors()):
            recall = self.recalls.get(item.uuid)
            if recall is not None:
                return recall
        return None

    def add_share(self, share):
        self.shares[share.id] = share
        share.node.shares = (share.node.shares or []) + [share]
        return share

    def add_qos(self, requirement):
        self.qos[requirement.id] = requirement
        requirement.node.qos = (requirement.node.qos or []) + [requirement]
        return requirement

    def remove_qos(self, requirement):
        with self.lock:
            self.qos.pop(requirement.id, None)
            node = requirement.node
            node.qos = [q for q in node.qos or () if q is not requirement] or None
            self.generation += 1

    @property
    def zone_domain(self):
        return self.zone_advertised or self.zone_url.split("://", 1)[1]

    @property
    def zone_public_url(self):
        """https://<zone domain>, as share URLs carry it."""
        scheme = self.zone_url.split("://", 1)[0] if self.zone_url else "https"
        return "%s://%s" % (scheme, self.zone_domain)

    def memo(self, key, compute):
        """compute(), remembered under `key` until the tree changes."""
        with self._memo_lock:
            if self._memo_generation != self.generation:
                self._memo.clear()
                self._memo_generation = self.generation
            if key in self._memo:
                return self._memo[key]
        value = compute()
        with self._memo_lock:
            if self._memo_generation == self.generation:
                self._memo[key] = value
        return value

    # -- membership ------------------------------------------------------------

    def direct_spaces(self, user_id):
        return [s for s in self.spaces.values() if user_id in s.users]

    def user_groups(self, user_id):
        """Ids of the groups a user belongs to (groups do not nest here)."""
        return {g.id for g in self.groups.values() if user_id in g.members}

    def effective_spaces(self, user_id):
        groups = self.user_groups(user_id)
        return [s for s in self.spaces.values()
                if user_id in s.users or s.groups & groups]

    def is_member(self, user_id, space):
        return space in self.effective_spaces(user_id)

    # The space privilege vocabulary of GET /spaces/privileges ("admin"),
    # in Onedata's order, and its two suggested subsets.
    SPACE_PRIVILEGES = (
        "space_view", "space_update", "space_delete", "space_view_privileges",
        "space_set_privileges", "space_read_data", "space_write_data",
        "space_register_files", "space_manage_shares", "space_view_views",
        "space_manage_views", "space_query_views", "space_view_statistics",
        "space_view_changes_stream", "space_view_transfers",
        "space_schedule_replication", "space_cancel_replication",
        "space_schedule_eviction", "space_cancel_eviction", "space_view_qos",
        "space_manage_qos", "space_manage_datasets", "space_view_archives",
        "space_create_archives", "space_remove_archives", "space_recall_archives",
        "space_view_atm_workflow_executions", "space_schedule_atm_workflow_executions",
        "space_manage_atm_workflow_executions", "space_add_user", "space_remove_user",
        "space_add_group", "space_remove_group", "space_add_support",
        "space_remove_support", "space_add_harvester", "space_remove_harvester")
    MEMBER_PRIVILEGES = frozenset(("space_view", "space_read_data", "space_write_data",
                                   "space_view_transfers"))
    MANAGER_PRIVILEGES = MEMBER_PRIVILEGES | frozenset((
        "space_view_privileges", "space_register_files", "space_manage_shares",
        "space_view_views", "space_query_views", "space_view_statistics",
        "space_view_changes_stream", "space_schedule_replication", "space_view_qos",
        "space_add_user", "space_remove_user", "space_add_group", "space_remove_group",
        "space_add_harvester", "space_remove_harvester"))

    def _members_of(self, space, kind):
        if kind == "user":
            return space.user_privileges
        if kind == "group":
            return space.group_privileges
        raise ValueError("member kind %r" % kind)

    def add_space_member(self, space, kind, member_id, privileges=None):
        """Make a user or group ("user" | "group") a direct member of the
        space with `privileges` (the member defaults when None); a member
        already there keeps what it holds and gains `privileges`."""
        with self.lock:
            members = self._members_of(space, kind)
            granted = set(self.MEMBER_PRIVILEGES if privileges is None else privileges)
            members[member_id] = members.get(member_id, set()) | granted
            self.generation += 1

    def remove_space_member(self, space, kind, member_id):
        """Remove a direct member (and, for a user, their ownership);
        True if it was one."""
        with self.lock:
            gone = self._members_of(space, kind).pop(member_id, None) is not None
            if kind == "user":
                space.owners.discard(member_id)
            self.generation += 1
            return gone

    def direct_privileges(self, space, kind, member_id):
        """The privileges a direct member holds directly, None for a
        non-member."""
        held = self._members_of(space, kind).get(member_id)
        return None if held is None else set(held)

    def set_direct_privileges(self, space, kind, member_id, grant=(), revoke=()):
        """Grant then revoke privileges of a direct member."""
        with self.lock:
            members = self._members_of(space, kind)
            members[member_id] = (members[member_id] | set(grant)) - set(revoke)
            self.generation += 1

    def effective_privileges(self, space, user_id):
        """Direct privileges of the user plus those of every member group
        they belong to (an empty set for a non-member)."""
        held = set(space.user_privileges.get(user_id, ()))
        for group_id in self.user_groups(user_id) & space.groups:
            held |= space.group_privileges[group_id]
        return held

    def has_privilege(self, user_id, space, privilege):
        """Effective space privilege of a member; owners hold every one."""
        if not self.is_member(user_id, space):
            return False
        return user_id in space.owners or \
            privilege in self.effective_privileges(space, user_id)

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
            self.generation += 1
        return node

    def add_nodes(self, parent, nodes):
        """Attach many nodes with one sort (used for big directories)."""
        with self.lock:
            for node in nodes:
                parent.by_name[node.name] = node
                self.nodes[node.uuid] = node
            parent.names = sorted(parent.by_name)
            self.generation += 1

    def node_by_file_id(self, file_id):
        """Resolve a private file id or a space id; raises
        badValueIdentifier (share-scoped ids included: see share_node).

        Returns (spaceId, space, node): space is None for an unknown space,
        node is None for a well-formed id of a file that does not exist (the
        caller decides between forbidden, spaceNotSupportedBy and enoent)."""
        if file_id in self.spaces:
            space = self.spaces[file_id]
            return space.id, space, space.root
        parsed = parse_file_id(file_id)
        if parsed is None or parsed[2] is not None:
            raise errors.bad_value_identifier("id")
        uuid, space_id, _ = parsed
        space = self.spaces.get(space_id)
        node = self.nodes.get(uuid)
        if node is not None and node.space is not space:
            node = None
        return space_id, space, node

    def share_node(self, file_id):
        """Resolve a share-scoped id: (share, space, node).

        share is None for a share that does not exist (or not in that
        space); node is None when the file does not exist or is not the
        share's root or below it."""
        uuid, space_id, share_id = parse_file_id(file_id)
        share = self.shares.get(share_id)
        space = self.spaces.get(space_id)
        if share is None or share.space is not space:
            return None, space, None
        node = self.nodes.get(uuid)
        if node is not None and node is not share.node and \
                share.node not in node.ancestors():
            node = None
        return share, space, node

    def resolve_path(self, space, segments, base=None):
        node = base or space.root
        for name in segments:
            if not node.is_dir or name not in node.by_name:
                return None
            node = node.by_name[name]
        return node

    # -- changes through the API -------------------------------------------------
    #
    # Callers check permissions first; these only keep the tree consistent.

    def create_node(self, parent, name, is_dir, owner, origin, mode=None):
        """A new file (empty) or directory in `parent`, owned by `owner`,
        with a fresh id; raises posix eexist for a taken name."""
        now = int(time.time())
        node = Node(parent.space, parent, name, is_dir, 0, owner, origin, now,
                    atime=now, ctime=now, uuid=secrets.token_hex(16), created=now)
        if mode is not None:
            node.mode = mode
        node.materialized = True
        if not is_dir:
            node.replicas = {origin: 1.0}
        with self.lock:
            self.add_node(parent, node)
            parent.touch(now)
        return node

    def remove_subtree(self, node):
        """Detach `node` and everything below it; returns the removed nodes.

        Datasets established on removed nodes become detached with their
        root file deleted, as in Onedata; shares and QoS requirements set
        on them are gone."""
        with self.lock:
            parent = node.parent
            if parent is None or parent.by_name.get(node.name) is not node:
                return []
            removed = [node]
            stack = [node]
            while stack:
                current = stack.pop()
                if current.is_dir:
                    for child in current.by_name.values():
                        removed.append(child)
                        stack.append(child)
            del parent.by_name[node.name]
            at = bisect.bisect_left(parent.names, node.name)
            if at < len(parent.names) and parent.names[at] == node.name:
                del parent.names[at]
            parent.touch(int(time.time()))
            gone = set()
            for item in removed:
                self.nodes.pop(item.uuid, None)
                gone.add(item.uuid)
            for dataset in self.datasets.values():
                if dataset.node.uuid in gone and not dataset.root_deleted:
                    dataset.detach(deleted=True)
            for share_id in [s.id for s in self.shares.values() if s.node.uuid in gone]:
                del self.shares[share_id]
            for qos_id in [q.id for q in self.qos.values() if q.node.uuid in gone]:
                del self.qos[qos_id]
            self.generation += 1
        return removed

    def node_lock(self, node):
        """A lock for one file's content (materializing, truncating)."""
        with self._node_locks_lock:
            lock = self._node_locks.get(node.uuid)
            if lock is None:
                lock = self._node_locks[node.uuid] = threading.Lock()
            return lock

    # -- contents --------------------------------------------------------------

    def blob_path(self, node):
        """Path of a file's blob, generating it on first use (a written
        file's blob is its content as it is)."""
        path = os.path.join(self.blob_dir, node.file_id)
        if node.materialized:
            if not os.path.exists(path):
                open(path, "ab").close()
            return path
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
