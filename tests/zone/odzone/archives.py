"""Archives of datasets and their recalls, progressing over simulated time
on the transfers' engine (transfers.Engine: same clock, same settings,
same pause and "instant" switches of the control API).

An archive goes

    pending --scheduledSeconds--> building --(per file)--> verifying
            --enqueuedSeconds--> preserved

and ends failed (after building, no verifying) when a file could not be
archived: a file with a transfer failure injected through the control
API, or one deleted before its turn. Building takes each regular file of
the dataset, at the time building starts, in depth-first name order:
fileSeconds each plus its size at `rate` bytes per second; the file is
copied into the archive's root directory (below the space's hidden
archives directory; with the bagit layout, below its "data" directory
next to a bagit.txt) when its time is up, and only then counts in
filesArchived and bytesArchived.

Deleting an archive takes enqueuedSeconds in state "deleting"; then it
and its files are gone (404).

A recall copies an archive's files into a new file or directory, one
file at a time on the same terms; cancelling it stops it before the next
file.
"""

from . import content, errors
from .model import Recall

BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"


def _millis(clock, at):
    return int(clock.wall(at) * 1000)


def regular_files(node, prefix=()):
    """(relative path segments, node) of the regular files at or below
    `node`, depth first in name order; directories as (segments, None)."""
    if not node.is_dir:
        yield prefix or (node.name,), node
        return
    for name in list(node.names):
        child = node.by_name.get(name)
        if child is None:
            continue
        if child.is_dir:
            yield prefix + (name,), None
            yield from regular_files(child, prefix + (name,))
        else:
            yield prefix + (name,), child


class FileJob:
    """A job that waits, then processes a queue of files one at a time
    (fileSeconds plus size at `rate` each), then waits again. Subclasses
    say what starting, each file and the end do. The engine's interface:
    next_time, fire, retime, ended, op (never a transfer's copy)."""

    op = None

    def __init__(self, engine, state):
        self.engine = engine
        self.state = state
        self.ended = False
        self.queue = []
        self.current = None                 # (entry, end time)
        self.step = "waiting"
        self.step_started = engine.clock.now()
        self.step_at = self.step_started + self.first_wait()

    def first_wait(self):
        return self.engine.settings["scheduledSeconds"]

    def file_seconds(self, size):
        settings = self.engine.settings
        rate = settings["rate"]
        return settings["fileSeconds"] + (size / rate if rate and size else 0.0)

    def next_time(self):
        if self.ended:
            return None
        if self.current is not None:
            return self.current[1]
        if self.step == "files":
            return self.engine.clock.now()
        return self.step_at

    def fire(self, at):
        if self.step == "waiting":
            self.step = "files"
            self.queue = list(self.begin(at))
            self.queue.reverse()
        elif self.current is not None:
            entry, self.current = self.current[0], None
            self.one_file(entry, at)
            self.state.generation += 1
        elif self.step == "ending":
            self.ended = True
            self.finish(at)
            return
        if self.step == "files" and self.current is None:
            if self.queue and not self.stopped():
                entry = self.queue.pop()
                self.current = (entry, at + self.file_seconds(self.size_of(entry)))
            else:
                self.end_files(at)

    def end_files(self, at):
        """Every file done (or stopped): wait enqueuedSeconds, then finish."""
        self.step = "ending"
        self.step_started, self.step_at = at, at + self.engine.settings["enqueuedSeconds"]

    def retime(self, at):
        settings = self.engine.settings
        if self.step == "waiting":
            self.step_at = max(at, self.step_started + self.first_wait())
        elif self.step == "ending":
            self.step_at = max(at, self.step_started + settings["enqueuedSeconds"])
        elif self.current is not None:
            self.current = (self.current[0], at + self.file_seconds(self.size_of(self.current[0])))

    def stopped(self):
        return False

    def size_of(self, entry):
        return entry[1].size or 0


class ArchiveJob(FileJob):
    def __init__(self, engine, state, archive):
        self.archive = archive
        super().__init__(engine, state)
        # The archive's directory exists from the start (rootDirectoryId).
        space, owner = archive.space, archive.creator
        origin = next(iter(space.supports), None)
        holder = "dataset_archives_" + archive.dataset.id
        parent = space.archives.by_name.get(holder) or state.create_node(
            space.archives, holder, True, owner, origin)
        archive.root = self.data = state.create_node(parent, "archive_" + archive.id, True,
                                                     owner, origin)
        if archive.config["layout"] == "bagit":
            bagit = state.create_node(archive.root, "bagit.txt", False, owner, origin)
            content.store(state, bagit, BAGIT_TXT)
            self.data = state.create_node(archive.root, "data", True, owner, origin)

    def begin(self, at):
        self.archive.state = "building"
        for segments, node in regular_files(self.archive.dataset.node):
            if node is None:
                self._place(segments, directory=True)
            else:
                yield segments, node

    def _place(self, segments, directory=False):
        """The archive's node for a relative path (parents made as needed)."""
        parent = self.data
        origin = parent.origin
        for name in segments[:-1]:
            parent = parent.by_name.get(name) or self.state.create_node(
                parent, name, True, self.archive.creator, origin)
        if directory:
            return parent.by_name.get(segments[-1]) or self.state.create_node(
                parent, segments[-1], True, self.archive.creator, origin)
        return self.state.create_node(parent, segments[-1], False, self.archive.creator, origin)

    def one_file(self, entry, at):
        segments, source = entry
        archive = self.archive
        alive = self.state.nodes.get(source.uuid) is source
        if not alive or self.engine.failure(source, None) is not None:
            archive.files_failed += 1
            return
        copy = self._place(segments)
        content.copy(self.state, source, copy)
        archive.files.append(("/".join(segments), copy))
        archive.files_archived += 1
        archive.bytes_archived += copy.size or 0

    def end_files(self, at):
        if self.archive.files_failed:
            self.archive.state = "failed"
            self.ended = True
            return
        self.archive.state = "verifying"
        super().end_files(at)

    def finish(self, at):
        self.archive.state = "preserved"


class DeleteJob(FileJob):
    """An archive being deleted: nothing per file, gone after the wait."""

    def __init__(self, engine, state, archive):
        self.archive = archive
        archive.state = "deleting"
        super().__init__(engine, state)

    def first_wait(self):
        return self.engine.settings["enqueuedSeconds"]

    def begin(self, at):
        return []

    def end_files(self, at):
        self.ended = True
        self.finish(at)

    def finish(self, at):
        archive = self.archive
        if archive.root is not None:
            self.state.remove_subtree(archive.root)
        self.state.archives.pop(archive.id, None)
        self.state.generation += 1


class RecallJob(FileJob):
    def __init__(self, engine, state, recall):
        self.recall = recall
        self.cancel = False
        super().__init__(engine, state)

    def begin(self, at):
        self.recall.start_ms = _millis(self.engine.clock, at)
        if not self.recall.root.is_dir:           # a file dataset: the root itself
            return [(None, node) for _, node in self.recall.archive.files[:1]]
        return [(path.split("/"), node) for path, node in self.recall.archive.files]

    def stopped(self):
        return self.cancel

    def one_file(self, entry, at):
        segments, source = entry
        recall = self.recall
        target = recall.root
        if self.state.nodes.get(target.uuid) is not target:
            recall.files_failed += 1
            recall.last_error = (target.file_id, errors.posix("enoent"))
            return
        try:
            if segments is not None:
                parent = recall.root
                for name in segments[:-1]:
                    parent = parent.by_name.get(name) or self.state.create_node(
                        parent, name, True, parent.owner, recall.provider_id)
                target = self.state.create_node(parent, segments[-1], False, parent.owner,
                                                recall.provider_id)
        except errors.OdError as err:             # taken meanwhile, or gone
            recall.files_failed += 1
            recall.last_error = (recall.root.file_id, err)
            return
        content.copy(self.state, source, target)
        recall.files_copied += 1
        recall.bytes_copied += target.size or 0

    def end_files(self, at):
        self.ended = True
        self.finish(at)

    def finish(self, at):
        self.recall.finish_ms = _millis(self.engine.clock, at)


def start(engine, job):
    """Put a job on the engine (under the state lock)."""
    with engine.state.lock:
        engine.advance()
        engine.active.append(job)
    return job


def recall(engine, state, archive, parent, name, provider_id, owner):
    """Start recalling `archive` as `name` in `parent`: the root is made at
    once (posix eexist when the name is taken); returns the Recall."""
    with state.lock:
        is_dir = archive.dataset.node.is_dir
        root = state.create_node(parent, name, is_dir, owner, provider_id)
        record = Recall(archive, root, provider_id)
        state.recalls[root.uuid] = record
        record.job = start(engine, RecallJob(engine, state, record))
        return record
