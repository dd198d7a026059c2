"""The "facility" fixture: a small research facility on one Onezone.

People: alice (facility staff, data steward), bob (external researcher),
carol (facility admin), dave (a registered user with no spaces). Two sites:
"Facility Storage" next to the instruments and "HPC Centre" where users
compute; the HPC Centre mirrors the cryo-EM session on a read-only support.

Everything is deterministic: ids are hashes of names, sizes and times are
hashes of paths, so every run (and every machine) sees the same zone.
"""

import calendar
import hashlib
import time

from . import errors, ozshares
from .model import (Dataset, Group, Node, Provider, QosRequirement, Share, Space,
                    Support, User, md5hex)

MIB = 1 << 20
GIB = 1 << 30
TIB = 1 << 40

KRIOS = "Krios-2025-11 Session Data"
BEAMLINE = "P11 Beamline p700123"
TEM = "TEM Materials"
EMPTY = "Empty Support"

# A time caveat this far in the past makes "alice-expired" expired.
EXPIRED_AT = 1735689600  # 2025-01-01T00:00:00Z


def utc(text):
    return calendar.timegm(time.strptime(text, "%Y-%m-%d %H:%M:%S"))


def det(lo, hi, *key):
    """A deterministic integer in [lo, hi] derived from `key`."""
    digest = hashlib.md5("\0".join(map(str, key)).encode()).digest()
    return lo + int.from_bytes(digest[:8], "big") % (hi - lo + 1)


def _stamp(epoch):
    return time.strftime("%Y%m%d_%H%M%S", time.gmtime(epoch))


class Tree:
    """Builds one space's tree with shared defaults (owner, origin site)."""

    def __init__(self, state, space, owner, origin):
        self.state = state
        self.space = space
        self.owner = owner
        self.origin = origin

    def dir(self, parent, name, mtime, owner=None):
        parent = parent or self.space.root
        node = Node(self.space, parent, name, True, None,
                    (owner or self.owner).id, self.origin.id, mtime,
                    atime=mtime + det(60, 7200, "atime", parent.uuid, name))
        return self.state.add_node(parent, node)

    def file(self, parent, name, size, mtime, owner=None):
        parent = parent or self.space.root
        node = Node(self.space, parent, name, False, size,
                    (owner or self.owner).id, self.origin.id, mtime,
                    atime=mtime + det(60, 86400 * 20, "atime", parent.uuid, name),
                    ctime=mtime + det(0, 3, "ctime", parent.uuid, name))
        return self.state.add_node(parent, node)


# -- people, sites, spaces -----------------------------------------------------

def _people(state):
    alice = state.add_user(User(
        "alice", "Alice Kowalczyk", ["alice.kowalczyk@facility.example.org"],
        [{"idp": "facility-sso", "subjectId": "akowalczyk",
          "fullName": "Alice Kowalczyk", "username": "akowalczyk",
          "emails": ["alice.kowalczyk@facility.example.org"],
          "entitlements": ["facility:cryo-em-staff", "facility:data-stewards"]}],
        40001, utc("2023-09-04 08:15:00")))
    bob = state.add_user(User(
        "bob", "Bob Okafor", ["b.okafor@uni.example.net"],
        [{"idp": "elixir", "subjectId": "9f2c61b0e4d84a7f@elixir-europe.org",
          "fullName": "Bob Okafor", "emails": ["b.okafor@uni.example.net"]}],
        40002, utc("2025-02-11 13:40:00")))
    carol = state.add_user(User(
        "carol", "Carol Lindqvist", ["carol.lindqvist@facility.example.org"],
        [{"idp": "facility-sso", "subjectId": "clindqvist",
          "fullName": "Carol Lindqvist", "username": "clindqvist",
          "emails": ["carol.lindqvist@facility.example.org"],
          "entitlements": ["facility:admins"]}],
        40003, utc("2022-01-17 09:00:00")))
    dave = state.add_user(User(
        "dave", "Dave Moreau", ["dave.moreau@uni.example.net"],
        [{"idp": "elixir", "subjectId": "41d7e09a5c3b4f26@elixir-europe.org",
          "fullName": "Dave Moreau"}],
        40004, utc("2025-10-30 16:05:00")))
    return alice, bob, carol, dave


# What the facility's data stewards (alice, carol) hold on top of the manager
# defaults in their spaces: the transfer, QoS, dataset and archive
# management privileges that are not among the defaults of GET
# /spaces/privileges. Nobody else may manage datasets or archives.
STEWARD_PRIVILEGES = frozenset((
    "space_schedule_eviction", "space_cancel_replication", "space_cancel_eviction",
    "space_manage_qos", "space_manage_datasets", "space_view_archives",
    "space_create_archives", "space_remove_archives", "space_recall_archives"))


def _spaces(state, alice, bob, carol, storage, hpc):
    staff = state.add_group(Group("cryo-em-staff", "team", [alice, carol],
                                  creator=carol.id,
                                  creation_time=utc("2023-09-04 09:00:00")))
    proposal = state.add_group(Group("proposal-p700123-members", "team",
                                     [alice, carol], creator=carol.id,
                                     creation_time=utc("2025-05-20 11:05:00")))
    collaborators = state.add_group(Group("krios-2025-11-collaborators", "team",
                                          [bob], creator=alice.id,
                                          creation_time=utc("2025-11-10 09:40:00")))
    # carol administers the facility's groups (adds them to spaces...);
    # alice made the collaborators' group for bob and is not in it.
    staff.admins.add(carol.id)
    proposal.admins.add(carol.id)

    krios = state.add_space(Space(
        KRIOS,
        "Single-particle cryo-EM session on the Titan Krios G4, "
        "12-14 November 2025 (proposal EM-2025-117).\n\n"
        "Raw movies, EPU metadata and thumbnails as written by EPU.",
        alice.id, utc("2025-11-10 09:30:00"), tags=["cryo-em", "raw-data"],
        organization="Facility Cryo-EM Unit", display_gid=52001))
    # Managers (alice, carol) hold the manager defaults and the steward
    # privileges: alice directly, carol through cryo-em-staff.
    steward = state.MANAGER_PRIVILEGES | STEWARD_PRIVILEGES
    state.add_space_member(krios, "user", alice.id, steward)
    state.add_space_member(krios, "group", staff.id, steward)
    # External collaborators read the session but do not write into it.
    state.add_space_member(krios, "group", collaborators.id,
                           state.MEMBER_PRIVILEGES - {"space_write_data"})
    krios.supports[storage.id] = Support(storage, 10 * TIB, dir_stats="enabled")
    krios.supports[hpc.id] = Support(hpc, 5 * TIB, readonly=True, dir_stats="disabled")

    beamline = state.add_space(Space(
        BEAMLINE,
        "Macromolecular crystallography at beamline P11, proposal p700123.",
        carol.id, utc("2025-05-20 11:00:00"), tags=["synchrotron", "raw-data"],
        organization="Facility Beamlines", display_gid=52002))
    state.add_space_member(beamline, "user", carol.id, steward)
    state.add_space_member(beamline, "group", proposal.id, steward)
    beamline.supports[storage.id] = Support(storage, 2 * TIB, dir_stats="enabled")

    tem = state.add_space(Space(
        TEM,
        "TEM/STEM of metallic alloys (NiTi, Al-Cu); vendor formats.",
        alice.id, utc("2025-03-10 10:00:00"), tags=["tem", "materials"],
        organization="Facility Materials Lab", display_gid=52003))
    state.add_space_member(tem, "user", alice.id, steward)
    state.add_space_member(tem, "user", bob.id)
    # Statistics were just switched on here and are still being computed.
    tem.supports[hpc.id] = Support(hpc, 500 * GIB, dir_stats="initializing")

    # A space whose only provider withdrew its support: Onezone still lists
    # it (with empty "supports"); no Oneprovider can serve its data.
    empty = state.add_space(Space(
        EMPTY, "Former staging area; support withdrawn.", alice.id,
        utc("2024-05-02 08:00:00"), display_gid=52004))
    state.add_space_member(empty, "user", alice.id, steward)
    # Each creator owns their space (Onedata makes the creator the owner).
    for space in (krios, beamline, tem, empty):
        space.owners.add(space.creator)
    return krios, beamline, tem, empty


# -- trees ---------------------------------------------------------------------

def _krios_tree(state, krios, alice, carol, storage, hpc):
    t = Tree(state, krios, alice, storage)
    start = utc("2025-11-12 14:30:00")

    t.file(None, "EpuSession.dm", det(40000, 90000, "dm"), start)
    gain = t.file(None, "GainReference_K3_20251112.mrc", 32 * MIB, start - 600)
    gain.replicas = {storage.id: 1.0}   # never replicated to the HPC mirror
    atlas = t.dir(None, "Atlas", start - 1800)
    nodes = {"atlas": atlas, "squares": []}
    t.file(atlas, "Atlas_1.mrc", det(2 * MIB, 3 * MIB, "atlas"), start - 1500)
    t.file(atlas, "Atlas_1.jpg", det(150000, 260000, "atlas.jpg"), start - 1500)
    t.file(atlas, "Atlas_1.xml", det(1500, 2600, "atlas.xml"), start - 1500)

    images = t.dir(None, "Images-Disc1", start)
    nodes["images"] = images
    images.xattrs = {"instrument": "Titan Krios G4", "detector": "Gatan K3",
                     "operator": "Alice Kowalczyk", "voltage_kV": 300,
                     "pixel_size_A": 0.83, "dose_e_per_A2": 50,
                     "proposal": "EM-2025-117"}
    # The session's structured record, as EPU and the facility's LIMS
    # would fill it; the grid squares below inherit it.
    images.json_meta = {
        "session": {"id": "EM-2025-117-S03", "started": "2025-11-12T14:30:00Z",
                    "software": "EPU 3.6"},
        "sample": {"name": "Apoferritin", "concentration_mg_ml": 4.0,
                   "grid": "Quantifoil R1.2/1.3 Au 300", "vitrification": "Vitrobot Mark IV"},
        "optics": {"magnification": 105000, "spot_size": 7, "energy_filter_slit_eV": 10},
        "collection": {"exposure_s": 1.8, "frames": 40, "defocus_um": [-0.8, -2.2]},
    }
    now = start
    for g, square in enumerate((1734452, 1734460, 1734478, 1734493)):
        gs = t.dir(images, "GridSquare_%d" % square, now)
        t.file(gs, "GridSquare_%s.xml" % _stamp(now), det(900, 2400, square), now)
        t.file(gs, "GridSquare_%s.jpg" % _stamp(now),
               det(90000, 200000, square, "jpg"), now)
        foilholes = t.dir(gs, "FoilHoles", now)
        data = t.dir(gs, "Data", now)
        nodes["squares"].append((gs, data))
        for h in range(8):
            hole = square * 10 + 3 * h + 1
            now += 35
            t.file(foilholes, "FoilHole_%d_%s.jpg" % (hole, _stamp(now)),
                   det(60000, 140000, hole), now)
            t.file(foilholes, "FoilHole_%d_%s.xml" % (hole, _stamp(now)),
                   det(400, 1800, hole), now)
            for shot in range(2):
                now += 42
                base = "FoilHole_%d_Data_%d_%d_%s" % (
                    hole, square + 11, square + 13, _stamp(now))
                size = det(2 * MIB, 9 * MIB // 2, base)
                if g == 3:
                    size -= size % 4       # so that a quarter is whole bytes
                movie = t.file(data, base + "_fractions.tiff", size, now)
                if g == 3:   # the HPC mirror is still catching up
                    movie.replicas = {storage.id: 1.0, hpc.id: 0.25}
                else:        # the movies of the first three squares are mirrored
                    movie.replicas = {storage.id: 1.0, hpc.id: 1.0}
                t.file(data, base + ".xml", det(380, 2600, base, "xml"), now)
                t.file(data, base + ".jpg", det(60000, 240000, base, "jpg"), now)

    processing = t.dir(None, "Processing", now + 3600, owner=carol)
    nodes["processing"] = processing
    motion = t.dir(processing, "MotionCorr", now + 3600, owner=carol)
    job = t.dir(motion, "job002", now + 3700, owner=carol)
    for name, size in (("corrected_micrographs.star", 48211),
                       ("logfile.pdf", 183402), ("note.txt", 612),
                       ("run.out", 20877), ("run.err", 0)):
        t.file(job, name, size, now + 5400, owner=carol)

    # Names real people give: spaces, brackets, accents, other scripts.
    probe = t.dir(None, "Probe Müller (Ø 3 mm)", start + 7200)
    t.file(probe, "Notiz zur Probe.txt", 1337, start + 7260)
    t.file(probe, "Übersicht [Grid 2].jpg", 204800, start + 7300)
    tokyo = t.dir(None, "試料-東京", start + 7400)
    t.file(tokyo, "画像_001.tiff", 3 * MIB + 4321, start + 7460)
    t.file(tokyo, "全角　スペース.txt", 2048, start + 7470)   # U+3000 inside
    notes = t.dir(None, "Sample notes", start + 7500)
    t.file(notes, "Résumé.txt", 900, start + 7510)                 # NFC
    t.file(notes, "Re\u0301sume\u0301.txt", 901, start + 7520)   # NFD twin
    retake = t.file(notes, "Grid [3] {retake} (final).txt", 450, start + 7530)
    # The HPC mirror has no location record of this one: its part of the
    # distribution fails while Facility Storage's succeeds.
    retake.distribution_errors = {hpc.id: errors.posix("enoent")}
    t.file(notes, "\U0001F52C overview.png", 73512, start + 7540)
    t.file(notes, "empty.txt", 0, start + 7550)

    # What a hostile (or broken) server could send; a client must display,
    # select and download these without harm.
    hostile = t.dir(None, "hostile", start + 9000)
    long_name = "long-name-" + "é" * 120
    long_name += "x" * (251 - len(long_name.encode())) + ".txt"
    assert len(long_name.encode()) == 255
    for name in ("\x1b[31mred\x1b[0m.tiff",        # SGR colour
                 "\x1b]0;pwned\x07",                # OSC: set window title
                 "clear\x1b[2Jscreen.txt",          # ED: erase display
                 "line one\nline two.txt",
                 "tab\there.txt",
                 "del\x7f.txt",
                 "c1\u009b31mcsi.txt",              # C1 CSI
                 "invoice\u202efdp.exe",            # RLO: shows "exe.pdf"
                 "nul\x00byte.txt",
                 "..", "...",
                 "back\\slash.txt",
                 "CON", "trailing dot.", "what?:*<>|.txt",
                 long_name):
        t.file(hostile, name, det(10, 4000, "hostile", name), start + 9000)
    return nodes


def _beamline_tree(state, beamline, alice, storage):
    t = Tree(state, beamline, alice, storage)
    start = utc("2025-06-03 09:12:00")
    proposal = t.dir(None, "p700123", start)
    nodes = {"proposal": proposal}
    t.file(proposal, "proposal_p700123.pdf", 121874, start - 86400 * 10)
    t.dir(proposal, "processed", start + 86400)          # empty on purpose
    for run, frames, at in (("r0034", 8, start), ("r0035", 3, start + 5400)):
        rundir = t.dir(proposal, run, at)
        nodes[run] = rundir
        rundir.xattrs = {"beamline": "P11", "proposal": "p700123",
                         "detector": "EIGER2 X 16M", "energy_keV": 12.0}
        # Dublin Core for the run, as a facility catalogue would publish it.
        rundir.rdf_meta = (
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"\n'
            '         xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
            '  <rdf:Description rdf:about="urn:p11:p700123:%s">\n'
            '    <dc:title>Lysozyme crystal, rotation series %s</dc:title>\n'
            '    <dc:creator>Beamline P11</dc:creator>\n'
            '    <dc:identifier>p700123_%s</dc:identifier>\n'
            '    <dc:type>Dataset</dc:type>\n'
            '  </rdf:Description>\n'
            '</rdf:RDF>\n' % (run, run, run))
        prefix = "p700123_%s" % run
        t.file(rundir, prefix + "_master.nxs", det(150000, 220000, run), at + 10)
        for n in range(1, frames + 1):
            t.file(rundir, "%s_data_%06d.h5" % (prefix, n),
                   det(3 * MIB, 4 * MIB, run, n), at + 10 + 37 * n)
        logs = t.dir(rundir, "logs", at + 400)
        t.file(logs, "scan_%s.log" % run, det(4000, 9000, run, "log"), at + 420)
    return nodes


def _tem_tree(state, tem, alice, bob, hpc):
    t = Tree(state, tem, bob, hpc)
    start = utc("2025-03-18 10:05:00")
    niti = t.dir(None, "2025-03-18 NiTi alloy", start)
    for n in range(1, 7):
        t.file(niti, "NiTi_%04d.dm4" % n, det(2 * MIB, 5 * MIB, "niti", n),
               start + 300 * n)
    t.file(niti, "4D-STEM_scan_01.emd", 5 * MIB + 12345, start + 2400)
    t.file(niti, "EELS_map.ser", det(MIB, 2 * MIB, "ser"), start + 2700)
    t.file(niti, "EELS_map.emi", det(15000, 25000, "emi"), start + 2700)
    alcu = t.dir(None, "2025-04-02 Al-Cu precipitates", start + 86400 * 15,
                 owner=alice)
    t.file(alcu, "AlCu_overview.dm4", det(MIB, 3 * MIB, "alcu"),
           start + 86400 * 15 + 60, owner=alice)
    for n in range(1, 4):
        t.file(alcu, "AlCu_HRTEM_%04d.dm4" % n, det(2 * MIB, 4 * MIB, "hr", n),
               start + 86400 * 15 + 200 * n, owner=alice)


# -- datasets, shares, QoS -------------------------------------------------------


def _data_management(state, krios, beamline, alice, carol, k, b):
    """Datasets, shares and QoS requirements on the trees built above.

    Returns their ids for zone.json, keyed by the logical path of the file
    or directory they are set on."""
    images = state.add_dataset(Dataset(
        k["images"], ["data_protection", "metadata_protection"],
        utc("2025-11-15 10:00:00")))
    state.add_dataset(Dataset(k["squares"][1][1], ["data_protection"],
                              utc("2025-11-15 10:05:00")))
    state.add_dataset(Dataset(k["processing"], [], utc("2025-11-16 09:00:00")))
    # Established on the atlas during the session, detached once the grid
    # squares were picked: its flags stay recorded but protect nothing.
    state.add_dataset(Dataset(k["atlas"], ["data_protection"],
                              utc("2025-11-12 15:00:00"), state="detached"))
    state.add_dataset(Dataset(b["r0034"], ["data_protection"],
                              utc("2025-06-10 12:00:00")))
    assert images.attached

    state.add_share(Share(
        b["r0034"], "Run 34, proposal p700123",
        "# Run 34, proposal p700123\n\nMacromolecular crystallography at beamline "
        "P11: EIGER2 X 16M frames (NeXus master file and HDF5 data), scan log.",
        carol.id, utc("2025-07-01 09:00:00")))
    state.add_share(Share(
        k["squares"][0][0], "Grid square 1734452, session EM-2025-117",
        "# Grid square 1734452\n\nEPU grid square image, foil hole images and "
        "raw movies (Titan Krios G4, Gatan K3, 300 kV).",
        alice.id, utc("2025-11-20 14:00:00")))

    # Two replicas anywhere: fulfilled for files on both sites, pending for
    # the others (the mirror is catching up).
    state.add_qos(QosRequirement(krios.root, "anyStorage", 2,
                                 utc("2025-11-10 09:45:00")))
    # A Polish archive copy: no storage has geo=PL, so it is impossible.
    state.add_qos(QosRequirement(b["proposal"], "geo=PL", 1,
                                 utc("2025-06-03 08:00:00")))
    return {
        "datasets": {d.node.path: d.id for d in state.datasets.values()},
        "shares": {s.node.path: s.id for s in state.shares.values()},
        "qosRequirements": {q.node.path: q.id for q in state.qos.values()},
    }


# -- tokens --------------------------------------------------------------------

def _tokens(state, alice, bob, carol, dave):
    issue = state.tokens.issue
    tokens = {
        "alice": issue("alice", alice.id),
        "bob": issue("bob", bob.id),
        "carol": issue("carol", carol.id),
        "dave": issue("dave", dave.id),
        "alice-readonly": issue("alice-readonly", alice.id,
                                [{"type": "data.readonly"}]),
        "alice-revoked": issue("alice-revoked", alice.id, revoked=True),
        "alice-expired": issue("alice-expired", alice.id,
                               [{"type": "time", "validUntil": EXPIRED_AT}]),
        "alice-oneclient": issue("alice-oneclient", alice.id,
                                 [{"type": "interface",
                                   "interface": "oneclient"}]),
    }
    serialized = {name: tok.serialized for name, tok in tokens.items()}
    # Looks like a token, decodes to nothing.
    serialized["malformed"] = "MDAxNWxvY2F0aW9uIG9uZXpvbmUKMDAzYmlkZW50aWZpZXIg!!"
    return serialized


# -- entry points ----------------------------------------------------------------

def build_facility(state):
    """Populate `state`; returns the fixture's part of zone.json."""
    state.zone_name = "Facility Test Zone"
    alice, bob, carol, dave = _people(state)
    storage = state.add_provider(Provider(
        "Facility Storage", 53.5766, 9.8804, utc("2022-01-17 10:30:00"),
        qos_parameters={"geo": "DE", "site": "facility", "type": "disk", "tier": 1},
        storage_name="facility-posix"))
    hpc = state.add_provider(Provider(
        "HPC Centre", 53.5671, 9.9760, utc("2023-03-01 12:00:00"),
        qos_parameters={"geo": "DE", "site": "hpc", "type": "disk", "tier": 2},
        storage_name="hpc-lustre"))
    krios, beamline, tem, empty = _spaces(state, alice, bob, carol, storage, hpc)
    k = _krios_tree(state, krios, alice, carol, storage, hpc)
    b = _beamline_tree(state, beamline, alice, storage)
    _tem_tree(state, tem, alice, bob, hpc)
    managed = _data_management(state, krios, beamline, alice, carol, k, b)
    managed.update(ozshares.fixture(state, alice, carol))
    return dict(managed, **{
        "storages": {p.id: p.storage_id for p in (storage, hpc)},
        "tokens": _tokens(state, alice, bob, carol, dave),
        "users": {u.username: u.id for u in (alice, bob, carol, dave)},
        "spaces": {s.name: s.id for s in (krios, beamline, tem, empty)},
    })


BIGDIR_PATH = "Images-Disc1/GridSquare_Big/Data"


def make_bigdir(state, space, path, count):
    """Create directory `path` (and missing parents) in `space` holding
    `count` EPU-style entries; returns the directory node.

    Entries come in threes per exposure (movie, metadata, thumbnail), sizes
    as in a real session. Contents are generated only when read."""
    owner = space.creator
    origin = next(iter(space.supports), None)
    parent = space.root
    base = utc("2025-11-13 02:00:00")
    with state.lock:
        for name in [p for p in path.split("/") if p]:
            child = parent.by_name.get(name)
            if child is None:
                child = state.add_node(parent, Node(space, parent, name, True,
                                                    None, owner, origin, base))
            elif not child.is_dir:
                raise ValueError("%s is a file" % child.path)
            parent = child
        if parent.names:
            raise ValueError("%s is not empty" % parent.path)
        nodes = []
        kinds = (("_fractions.tiff", 180 * MIB, 420 * MIB),
                 (".jpg", 90000, 250000), (".xml", 5000, 9000))
        for i in range(count):
            shot, kind = divmod(i, 3)
            suffix, lo, hi = kinds[kind]
            at = base + 4 * shot
            square = 1735000 + shot // 120
            name = "FoilHole_%d_Data_%d_%d_%s%s" % (
                31000000 + 7 * shot, square, square + 2, _stamp(at), suffix)
            node = Node(space, parent, name, False, det(lo, hi, name), owner,
                        origin, at, atime=at + 3600, ctime=at + 1,
                        uuid=md5hex("big:%s:%d" % (parent.uuid, i)))
            nodes.append(node)
        state.add_nodes(parent, nodes)
    return parent
