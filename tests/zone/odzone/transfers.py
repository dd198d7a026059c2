"""Transfers (replication, eviction, migration) and QoS reconciliation,
progressing over simulated time.

Nothing runs in the background: every Oneprovider request (and the control
API's transfer hooks) first calls ``Engine.advance()``, which plays the
events that fell due since the last call, in time order, under the state
lock. The outcome depends only on how much simulated time has passed, not
on when (or how often) anybody looked.

The simulated clock follows the wall clock, except while paused (control
API): then it stands still, and so does every transfer. A job (a transfer,
or the reconciliation a new QoS requirement starts) goes

    scheduled --scheduledSeconds--> enqueued --enqueuedSeconds--> active

(a migration's eviction phase starts enqueued, right after its replication
phase). While active it lists the directories below its root depth first,
one listing step (up to 1000 entries) every dirSeconds, adding the regular
files found to filesToProcess, and processes the files one at a time in
that order: fileSeconds each, plus the missing bytes at `rate` bytes per
second for a copy. A copy shows on the destination while it runs (its
replica grows); its bytes flow evenly over the copy and feed
bytesReplicated and the throughput histograms.
"""

import collections
import math
import secrets
import time

from . import errors

MIB = 1 << 20

DEFAULTS = {
    "rate": 16 * MIB,              # bytes per second per job; None: no time
    "fileSeconds": 0.01,           # per file processed
    "dirSeconds": 0.02,            # per directory listing step
    "scheduledSeconds": 0.2,
    "enqueuedSeconds": 0.2,
}
LISTING_BATCH = 1000
# More failed files than this and a transfer is aborted (op-worker's
# max_file_transfer_failures_per_transfer default).
MAX_FAILED_FILES = 10
# (name, window in seconds, windows kept), newest window first: op-worker's
# histogram lengths (one more than the speed charts drawn from them).
HISTOGRAMS = (("minHist", 5, 19), ("hrHist", 60, 62), ("dyHist", 3600, 26),
              ("mthHist", 86400, 32))
EPOCH_INFINITY = 9999999999
LINK_ID_PART = 6

SCHEDULE_PRIVILEGES = {
    "replication": ("space_schedule_replication",),
    "eviction": ("space_schedule_eviction",),
    "migration": ("space_schedule_replication", "space_schedule_eviction"),
}
CANCEL_PRIVILEGES = {
    "replication": ("space_cancel_replication",),
    "eviction": ("space_cancel_eviction",),
    "migration": ("space_cancel_replication", "space_cancel_eviction"),
}
ENDED = ("completed", "cancelled", "skipped", "failed")
WAITING = ("scheduled", "enqueued")


def new_transfer_id():
    """Shaped like op-worker's (32 hex digits, "ch", 4 more)."""
    return secrets.token_hex(16) + "ch" + secrets.token_hex(2)


class Clock:
    """Simulated seconds: the wall clock minus the time spent paused."""

    def __init__(self, wall=time.time):
        self._wall = wall
        self.offset = 0.0
        self.paused_at = None

    def now(self):
        if self.paused_at is not None:
            return self.paused_at
        return self._wall() - self.offset

    def wall(self, sim):
        """The wall time at which the simulated clock read `sim`."""
        return sim + self.offset

    def wall_now(self):
        return self._wall()

    @property
    def paused(self):
        return self.paused_at is not None

    def pause(self):
        if self.paused_at is None:
            self.paused_at = self.now()

    def resume(self):
        if self.paused_at is not None:
            self.offset = self._wall() - self.paused_at
            self.paused_at = None


# -- replicas ------------------------------------------------------------------


def shares(node):
    """{providerId: share of the bytes held} (absent: nothing)."""
    if node.replicas is not None:
        return dict(node.replicas)
    origin = node.origin_provider
    return {origin: 1.0} if origin else {}


def set_share(node, provider_id, share):
    held = shares(node)
    if share <= 0:
        held.pop(provider_id, None)
    else:
        held[provider_id] = min(1.0, share)
    node.replicas = held


def covered_elsewhere(node, provider_id):
    """Whether the other providers together hold every byte of the file
    (what makes an eviction safe)."""
    spans = sorted(tuple(b) for pid in node.space.supports if pid != provider_id
                   for b in node.blocks(pid))
    reach = 0
    for offset, size in spans:
        if offset > reach:
            return False
        reach = max(reach, offset + size)
    return reach >= (node.size or 0)


def source_of(node, destination):
    """The provider a replica is copied from: the first (in the space's
    support order) holding the whole file, else the one holding most."""
    held = shares(node)
    candidates = [pid for pid in node.space.supports
                  if pid != destination and held.get(pid, 0) > 0]
    complete = [pid for pid in candidates if held[pid] >= 1.0]
    if complete:
        return complete[0]
    return max(candidates, key=lambda pid: held[pid]) if candidates else None


# -- histograms ----------------------------------------------------------------


def _spread(w0, w1, amount, width, head, length):
    """{window index: bytes} of `amount` bytes flowing evenly over wall
    time [w0, w1], for windows head-length+1 .. head."""
    out = {}
    low = head - length + 1
    if w1 <= w0:
        index = int(w0 // width)
        if low <= index <= head:
            out[index] = amount
        return out
    first, last = max(int(w0 // width), low), min(int(math.ceil(w1 / width)) - 1, head)

    def cumulative(t):
        if t >= w1:
            return amount
        return int(round(amount * (max(t, w0) - w0) / (w1 - w0)))

    for index in range(first, last + 1):
        got = cumulative((index + 1) * width) - cumulative(index * width)
        if got:
            out[index] = got
    return out


# -- jobs ----------------------------------------------------------------------


class Op:
    """One file being processed: a copy (replication), an eviction, a
    failure or nothing to do."""

    def __init__(self, node, kind, start, end):
        self.node = node
        self.kind = kind            # "copy", "evict", "fail", "none"
        self.start = start
        self.end = end
        self.copies = []            # [(destination, source, missing bytes)]
        self.total = 0
        self.copy_start = start
        self.anchor = start
        self.anchor_done = 0.0
        self.recorded = 0           # bytes already counted and flowed
        self.flowed_until = start
        self.failures = []          # [(providerId, OdError)]
        self.before = {}            # destination -> share held at the start


class Job:
    """A transfer (listed) or a QoS requirement's reconciliation (not)."""

    def __init__(self, engine, space, node, user_id, replicating=None, evicting=None,
                 callback=None, requirement=None, targets=()):
        self.engine = engine
        self.id = new_transfer_id() if requirement is None else "qos-" + requirement.id
        self.seq = engine.next_seq()
        self.space = space
        self.root_uuid = node.uuid
        self.file_id = node.file_id
        self.file_path = node.path
        self.user_id = user_id
        self.replicating = replicating
        self.evicting = evicting
        self.callback = callback
        self.requirement = requirement
        self.targets = list(targets)       # QoS: storages to hold replicas
        self.phases = []
        if replicating or requirement is not None:
            self.phases.append("replication")
        if evicting:
            self.phases.append("eviction")
        self.phase = 0
        self.replication_status = "scheduled" if "replication" in self.phases else "skipped"
        self.eviction_status = "scheduled" if evicting else "skipped"
        now = engine.clock.now()
        self.schedule_wall = engine.clock.wall_now()
        self.start_wall = 0
        self.finish_wall = 0
        self.files_to_process = 0
        self.files_processed = 0
        self.files_replicated = 0
        self.files_evicted = 0
        self.files_failed = 0
        self.phase_failed = 0
        self.bytes_replicated = 0
        self.flows = []                  # [wall start, wall end, bytes, source]
        self.rerun_id = None
        self.cancel = False
        self.aborting = False
        self.ended = False
        self.reconciled = set()          # QoS: uuids of the files done
        self.step = "scheduled"
        self.step_started = now
        self.step_at = now + engine.settings["scheduledSeconds"]
        # Directories to list: [node, next name index, subdirectories found].
        self.stack = []
        self.listed_at = now
        self.queue = collections.deque()
        self.op = None

    # -- statuses ------------------------------------------------------------

    @property
    def type(self):
        if self.replicating and self.evicting:
            return "migration"
        return "eviction" if self.evicting else "replication"

    @property
    def phase_name(self):
        return self.phases[self.phase] if self.phase < len(self.phases) else None

    def _set_phase_status(self, status):
        if self.phase_name == "replication":
            self.replication_status = status
        elif self.phase_name == "eviction":
            self.eviction_status = status

    @property
    def status(self):
        """transferStatus, as op-worker's transfer:status/1 sums it up."""
        rep, ev = self.replication_status, self.eviction_status
        if rep == "completed" and self.replicating and self.evicting:
            return "evicting" if ev in ("scheduled", "enqueued", "active") else ev
        if rep == "skipped":
            return "evicting" if ev == "active" else ev
        if rep == "active":
            return "replicating"
        return rep

    @property
    def is_ended(self):
        return self.replication_status in ENDED and self.eviction_status in ENDED

    @property
    def listing_state(self):
        status = self.status
        if self.is_ended:
            return "ended"
        return "waiting" if status in WAITING else "ongoing"

    def link_key(self):
        """op-worker's transfer link key: newest first, then the id."""
        wall = self.finish_wall if self.is_ended else self.schedule_wall
        return "%d%s" % (EPOCH_INFINITY - int(wall), self.id[:LINK_ID_PART])

    # -- events --------------------------------------------------------------

    def next_time(self):
        if self.ended:
            return None
        if self.step in ("scheduled", "enqueued"):
            return self.step_at
        times = []
        if self.op is not None:
            times.append(self.op.end)
        if self.stack and not self.aborting:
            times.append(self.listed_at + self.engine.settings["dirSeconds"])
        # Nothing under way: the phase ends at once (see _after).
        return min(times) if times else self.engine.clock.now()

    def fire(self, at):
        if self.requirement is not None and \
                self.engine.state.qos.get(self.requirement.id) is not self.requirement:
            self.ended = True          # the requirement is gone
            return
        if self.step == "scheduled":
            self.step = "enqueued"
            self._set_phase_status("enqueued")
            if not self.start_wall:
                self.start_wall = self.engine.clock.wall(at)
            self.step_started, self.step_at = at, at + self.engine.settings["enqueuedSeconds"]
        elif self.step == "enqueued":
            self._activate(at)
        elif self.op is not None and self.op.end <= at:
            self._complete(at)
        elif self.stack and not self.aborting and \
                self.listed_at + self.engine.settings["dirSeconds"] <= at:
            self._list(at)
        self._after(at)

    def _activate(self, at):
        self.step = "active"
        self._set_phase_status("active")
        self.phase_failed = 0
        if not self.start_wall:
            self.start_wall = self.engine.clock.wall(at)
        root = self._node(self.root_uuid)
        if root is None:                     # gone before it started: fails
            self.files_to_process += 1
            self.files_processed += 1
            self.files_failed += 1
            self.phase_failed += 1
        elif root.is_dir:
            self.stack = [[root, 0, []]]
            self.listed_at = at
        else:
            self.queue.append(root)
            self.files_to_process += 1

    def _node(self, uuid):
        node = self.engine.state.nodes.get(uuid)
        return node if node is not None and node.space is self.space else None

    def _list(self, at):
        """One listing step: up to LISTING_BATCH entries of the directory on
        top of the stack; subdirectories are listed in name order after
        the files of their parent."""
        self.listed_at = at
        entry = self.stack[-1]
        directory, index, subdirs = entry
        if self._node(directory.uuid) is None:
            self.stack.pop()
            return
        names = directory.names[index:index + LISTING_BATCH]
        entry[1] = index + len(names)
        for name in names:
            child = directory.by_name.get(name)
            if child is None:
                continue
            if child.is_dir:
                subdirs.append(child)
            else:
                self.queue.append(child)
                self.files_to_process += 1
        if entry[1] >= len(directory.names):
            # Done with it: its subdirectories next, in name order.
            self.stack.pop()
            self.stack.extend([sub, 0, []] for sub in reversed(subdirs))

    def _after(self, at):
        if self.ended or self.step != "active":
            return
        if self.files_failed_over_limit() and not self.aborting:
            self.aborting = True           # aborted: the rest is not processed
            self.queue.clear()
            self.stack = []
            if self.op is not None:
                self._set_phase_status("aborting")
        if self.op is None and self.queue and not self.aborting:
            self._start(self.queue.popleft(), at)
        if self.op is None and not self.queue and (not self.stack or self.aborting):
            self._finish_phase(at)

    def files_failed_over_limit(self):
        return self.requirement is None and self.phase_failed > MAX_FAILED_FILES

    # -- one file --------------------------------------------------------------

    def _start(self, node, at):
        settings, engine = self.engine.settings, self.engine
        overhead = settings["fileSeconds"]
        if self._node(node.uuid) is None:
            self.op = Op(node, "none", at, at + overhead)
            return
        if self.phase_name == "eviction":
            failure = engine.failure(node, self.evicting)
            if failure is not None:
                op = Op(node, "fail", at, at + overhead)
                op.failures.append((self.evicting, failure))
            elif node.size and shares(node).get(self.evicting, 0) > 0 \
                    and covered_elsewhere(node, self.evicting):
                op = Op(node, "evict", at, at + overhead)
            else:
                op = Op(node, "none", at, at + overhead)
            self.op = op
            return
        destinations = self.targets if self.requirement is not None else [self.replicating]
        op = Op(node, "none", at, at + overhead)
        for destination in destinations:
            support = self.space.supports.get(destination)
            failure = engine.failure(node, destination)
            if failure is None and support is not None and support.readonly \
                    and node.replication_rate(destination) < 1.0:
                failure = errors.posix("erofs")
            if failure is not None:
                op.failures.append((destination, failure))
                continue
            missing = (node.size or 0) - node.physical_size(destination)
            source = source_of(node, destination) if missing > 0 else None
            if missing > 0 and source is None:      # nobody holds the bytes
                op.failures.append((destination, errors.posix("eio")))
            elif missing > 0:
                op.copies.append((destination, source, missing))
                op.before[destination] = shares(node).get(destination, 0.0)
        op.total = sum(c[2] for c in op.copies)
        if op.copies:
            op.kind = "copy"
        elif op.failures:
            op.kind = "fail"
        op.copy_start = op.anchor = op.flowed_until = at + overhead
        op.end = op.copy_start + self._copy_seconds(op.total)
        self.op = op

    def _copy_seconds(self, amount):
        rate = self.engine.settings["rate"]
        return 0.0 if rate is None or amount <= 0 else amount / rate

    def done_bytes(self, op, at):
        """Bytes of the current copy done at simulated time `at`."""
        if at >= op.end:
            return float(op.total)
        if at <= op.anchor:
            return op.anchor_done
        rate = self.engine.settings["rate"]
        return min(float(op.total), op.anchor_done + (at - op.anchor) * rate)

    def flow(self, op, at):
        """Count the bytes copied up to `at` (and show them on the
        destinations' replicas)."""
        done = int(self.done_bytes(op, at))
        delta = done - op.recorded
        if delta <= 0:
            return False
        clock = self.engine.clock
        start = clock.wall(max(op.flowed_until, op.copy_start))
        end = clock.wall(at)
        # Bytes by source, in proportion to each copy's share of the total.
        given = 0
        for index, (destination, source, missing) in enumerate(op.copies):
            part = delta - given if index == len(op.copies) - 1 \
                else delta * missing // max(1, op.total)
            given += part
            if part:
                self._record_flow(start, end, part, source)
        self.bytes_replicated += delta
        op.recorded = done
        op.flowed_until = at
        if at < op.end and self._node(op.node.uuid) is not None and op.node.size:
            fraction = done / op.total
            for destination, _source, missing in op.copies:
                held = op.before[destination] + fraction * missing / op.node.size
                set_share(op.node, destination, min(held, 0.999999))
        return True

    def _record_flow(self, start, end, amount, source):
        last = self.flows[-1] if self.flows else None
        if last and last[3] == source and abs(last[1] - start) < 1e-9 and \
                end > start and last[1] > last[0] and \
                abs(last[2] / (last[1] - last[0]) - amount / (end - start)) < 1e-6 * (
                    amount / (end - start)) + 1e-9:
            last[1], last[2] = end, last[2] + amount
        else:
            self.flows.append([start, end, amount, source])

    def _complete(self, at):
        op, self.op = self.op, None
        node = op.node
        alive = self._node(node.uuid) is not None
        self.files_processed += 1
        if op.kind == "copy":
            self.flow(op, op.end)
            if alive:
                for destination, _source, _missing in op.copies:
                    set_share(node, destination, 1.0)
                self.files_replicated += 1
        elif op.kind == "evict":
            if alive and covered_elsewhere(node, self.evicting):
                set_share(node, self.evicting, 0.0)
                self.files_evicted += 1
        if op.failures:
            self.files_failed += 1
            self.phase_failed += 1
        if self.requirement is not None:
            self.reconciled.add(node.uuid)
            self._audit(op, at)
        self.engine.state.generation += 1

    def _audit(self, op, at):
        """QoS audit log entries, on the provider each replica is for."""
        failed = dict(op.failures)
        millis = int(self.engine.clock.wall(at) * 1000)
        for destination in self.targets:
            error = failed.get(destination)
            if error is None:
                content = {"fileId": op.node.file_id, "status": "completed",
                           "severity": "info", "description": "Local replica reconciled."}
            else:
                content = {"fileId": op.node.file_id, "status": "failed",
                           "severity": "error",
                           "description": "Failed to reconcile local replica: " +
                           error.description, "reason": error.json()}
            log = self.requirement.audit.setdefault(destination, [])
            log.append({"index": len(log), "timestamp": millis, "content": content})

    def _finish_phase(self, at):
        if self.cancel:
            status = "cancelled"
        elif self.phase_failed:
            status = "failed"
        else:
            status = "completed"
        self.aborting = False
        self._set_phase_status(status)
        self.phase += 1
        if status == "completed" and self.phase_name is not None:
            self.step = "enqueued"
            self._set_phase_status("enqueued")
            self.step_started, self.step_at = at, at + self.engine.settings["enqueuedSeconds"]
            return
        while self.phase_name is not None:     # what never ran ends alike
            self._set_phase_status(status)
            self.phase += 1
        self.step = "ended"
        self.ended = True
        self.finish_wall = self.engine.clock.wall(at)
        self.engine.state.generation += 1

    # -- control -------------------------------------------------------------

    def request_cancel(self, at):
        """DELETE /transfers/{tid}: waiting phases end at once; an active
        one aborts after the file in progress."""
        self.cancel = True
        if self.step in ("scheduled", "enqueued"):
            self._finish_phase(at)
            return
        self.aborting = True
        self.queue.clear()
        self.stack = []
        if self.op is not None:
            self._set_phase_status("aborting")
        self._after(at)

    def retime(self, at):
        """New settings apply from `at` on (also to what is under way)."""
        settings = self.engine.settings
        if self.step == "scheduled":
            self.step_at = max(at, self.step_started + settings["scheduledSeconds"])
        elif self.step == "enqueued":
            self.step_at = max(at, self.step_started + settings["enqueuedSeconds"])
        op = self.op
        if op is None:
            return
        if at < op.copy_start:
            op.copy_start = op.anchor = op.flowed_until = \
                max(at, op.start + settings["fileSeconds"])
            op.anchor_done = 0.0
        else:
            op.anchor_done = self.done_bytes(op, at)
            op.anchor = at
        op.end = op.anchor + self._copy_seconds(op.total - op.anchor_done)

    # -- JSON ----------------------------------------------------------------

    def last_update(self):
        flowed = int(self.flows[-1][1]) if self.flows else 0
        return max(int(self.start_wall), flowed)

    def histograms(self):
        last = self.last_update()
        result = {}
        for name, width, length in HISTOGRAMS:
            head = last // width
            per = {}
            for start, end, amount, source in self.flows:
                if end < (head - length + 1) * width:
                    continue
                for index, got in _spread(start, end, amount, width, head, length).items():
                    per.setdefault(source, [0] * length)[head - index] += got
            result[name] = per
        return result

    def status_json(self):
        effective = self.engine.effective(self)
        value = {
            "type": self.type,
            "userId": self.user_id,
            "rerunId": self.rerun_id,
            "effectiveJobTransferId": effective.id,
            "spaceId": self.space.id,
            "dataSourceType": "file",
            "fileId": self.file_id,
            "filePath": self.file_path,
            "transferStatus": self.status,
            "effectiveJobStatus": effective.status,
            "replicationStatus": self.replication_status,
            "evictionStatus": self.eviction_status,
            "replicatingProviderId": self.replicating,
            "evictingProviderId": self.evicting,
            "callback": self.callback,
            "filesToProcess": self.files_to_process,
            "filesProcessed": self.files_processed,
            "filesReplicated": self.files_replicated,
            "filesEvicted": self.files_evicted,
            "filesFailed": self.files_failed,
            "bytesReplicated": self.bytes_replicated,
            "scheduleTime": int(self.schedule_wall),
            "startTime": int(self.start_wall),
            "finishTime": int(self.finish_wall),
            "lastUpdate": self.last_update(),
        }
        value.update(self.histograms())
        return value


class Engine:
    """Every job of the zone, and the simulated clock they share."""

    def __init__(self, state):
        self.state = state
        self.clock = Clock()
        self.settings = dict(DEFAULTS)
        self.transfers = collections.OrderedDict()     # id -> Job (listed)
        self.active = []
        self.failures = {}          # file uuid -> {providerId or None: OdError}
        self._seq = 0

    def next_seq(self):
        self._seq += 1
        return self._seq

    def advance(self):
        """Play every event due by now, in time order. While paused nothing
        moves (not even what takes no time)."""
        if not self.active:              # the common case: no lock needed
            return
        with self.state.lock:
            if not self.active or self.clock.paused:
                return
            now = self.clock.now()
            while True:
                due, job = None, None
                for candidate in self.active:
                    at = candidate.next_time()
                    if at is not None and at <= now and (due is None or at < due):
                        due, job = at, candidate
                if job is None:
                    break
                job.fire(due)
                if job.ended:
                    self.active.remove(job)
            changed = False
            for job in self.active:
                if job.op is not None and job.op.kind == "copy" and job.op.copy_start <= now:
                    changed = job.flow(job.op, now) or changed
            if changed:
                self.state.generation += 1

    def schedule(self, space, node, user_id, replicating=None, evicting=None,
                 callback=None):
        with self.state.lock:
            self.advance()
            job = Job(self, space, node, user_id, replicating, evicting, callback)
            self.transfers[job.id] = job
            self.active.append(job)
            return job

    def reconcile(self, requirement, targets):
        """Start the reconciliation of a new QoS requirement."""
        with self.state.lock:
            self.advance()
            job = Job(self, requirement.space, requirement.node, requirement.creator,
                      requirement=requirement, targets=targets)
            requirement.job = job
            self.active.append(job)
            return job

    def rerun(self, job, user_id):
        with self.state.lock:
            node = _Ghost(job)
            new = Job(self, job.space, node, user_id, job.replicating, job.evicting,
                      job.callback)
            self.transfers[new.id] = new
            self.active.append(new)
            job.rerun_id = new.id
            return new

    def cancel(self, job):
        with self.state.lock:
            self.advance()
            if job.is_ended:
                raise errors.transfer_already_ended()
            job.request_cancel(self.clock.now())
            if job.ended and job in self.active:
                self.active.remove(job)

    def effective(self, job):
        seen = set()
        while job.rerun_id is not None and job.rerun_id in self.transfers \
                and job.id not in seen:
            seen.add(job.id)
            job = self.transfers[job.rerun_id]
        return job

    def failure(self, node, provider_id):
        found = self.failures.get(node.uuid)
        if not found:
            return None
        return found.get(provider_id) or found.get(None)

    # -- control API ---------------------------------------------------------

    def settings_json(self):
        value = dict(self.settings)
        value["paused"] = self.clock.paused
        return value

    def configure(self, changes):
        """Apply control-API settings (already validated)."""
        with self.state.lock:
            self.advance()
            if changes.get("reset"):
                self.settings = dict(DEFAULTS)
            if changes.get("instant"):
                self.settings.update(rate=None, fileSeconds=0.0, dirSeconds=0.0,
                                     scheduledSeconds=0.0, enqueuedSeconds=0.0)
            for key in DEFAULTS:
                if key in changes:
                    self.settings[key] = changes[key]
            if changes.get("paused"):
                self.clock.pause()
            now = self.clock.now()
            for job in self.active:
                job.retime(now)
            if changes.get("paused") is False:
                self.clock.resume()
            self.advance()
            return self.settings_json()


class _Ghost:
    """What a rerun needs of the original root (which may be gone)."""

    def __init__(self, job):
        self.uuid = job.root_uuid
        self.file_id = job.file_id
        self.path = job.file_path
