"""File contents: writing request bodies into blobs, reading them back
with a provider's (injected) corruption, digests for the control API.

A file's content is its blob DIR/blobs/<fileId>. Fixture files start with
generated content (model.content_chunk) that is cached in the blob on the
first read; the first write makes the blob the content for good
("materialized"). A partial write (with an offset) materializes the
current content first, so the bytes it does not touch stay what they were.

Bodies are copied in chunks as they arrive, never held whole: an upload can
be hundreds of MiB. The size grows with every chunk written, so a client
whose connection broke can resume from the size it reads back.
"""

import hashlib
import os
import shutil
import time

WRITE_CHUNK = 1 << 20
READ_CHUNK = 1 << 16


def _note_write(state, node, provider_id, size=None, end=None):
    """After bytes were written through a provider: size, times, replicas."""
    now = int(time.time())
    with state.lock:
        if size is not None:
            node.size = size
        if end is not None and end > node.size:
            node.size = end
        node.touch(now)
        # Complete where it was written; the other providers' replicas
        # are stale now (their injected corruption goes with them).
        node.replicas = {provider_id: 1.0}
        node.distribution_errors = None
        node.corruption = None
        state.generation += 1


def store(state, node, data):
    """Make `data` the whole content of a new file (zone-made files)."""
    with open(os.path.join(state.blob_dir, node.file_id), "wb") as out:
        out.write(data)
    node.materialized = True
    _note_write(state, node, node.origin, size=len(data))


def copy(state, source, target):
    """Make the target's content a copy of the source's (archiving and
    recalling), complete where the target was created."""
    shutil.copyfile(state.blob_path(source), os.path.join(state.blob_dir, target.file_id))
    target.materialized = True
    _note_write(state, target, target.origin, size=source.size or 0)


def write(state, node, provider_id, body, offset=None):
    """Write the request body `body` (a server.Body) into a regular file.

    offset None: truncate to 0, then write from the start (PUT content
    without offset); otherwise write at `offset`, keeping the rest and
    growing the file if needed. Returns the number of bytes written."""
    path = os.path.join(state.blob_dir, node.file_id)
    with state.node_lock(node):
        if offset is None:
            with open(path, "wb"):
                pass
            node.materialized = True
            _note_write(state, node, provider_id, size=0)
            offset = 0
        elif not node.materialized:
            state.blob_path(node)          # the current content, generated
            node.materialized = True
        elif not os.path.exists(path):
            open(path, "ab").close()
    written = 0
    with open(path, "r+b") as out:
        out.seek(offset)
        while True:
            chunk = body.read(WRITE_CHUNK)
            if not chunk:
                break
            out.write(chunk)
            out.flush()
            written += len(chunk)
            _note_write(state, node, provider_id, end=offset + written)
    if written == 0:
        _note_write(state, node, provider_id)
    return written


def _apply(chunk, at, overlay):
    """`chunk` (starting at offset `at`) with the overlay's bytes flipped."""
    if not overlay:
        return chunk
    end = at + len(chunk)
    hits = [(o, m) for o, m in overlay.items() if at <= o < end]
    if not hits:
        return chunk
    data = bytearray(chunk)
    for offset, mask in hits:
        data[offset - at] ^= mask
    return bytes(data)


def overlay(node, provider_id):
    """The corrupted bytes of a provider's replica ({} when intact)."""
    if provider_id is None or not node.corruption:
        return {}
    return dict(node.corruption.get(provider_id) or {})


def read(path, start, length, flipped=None):
    """Yield `length` bytes of the blob at `path` from `start`, with the
    bytes in `flipped` ({offset: xor mask}) flipped."""
    with open(path, "rb") as blob:
        blob.seek(start)
        at, remaining = start, length
        while remaining > 0:
            chunk = blob.read(min(remaining, READ_CHUNK))
            if not chunk:
                return
            yield _apply(chunk, at, flipped)
            at += len(chunk)
            remaining -= len(chunk)


def corrupt(state, node, offset, provider_id=None):
    """Flip every bit of the byte at `offset` of a regular file, leaving its
    size, times and xattrs alone. With a provider: only that provider's
    replica is wrong (it serves the flipped byte); without: the stored
    content itself, as every provider serves it. Returns (before, after)
    as the caller (that provider, or all) would read them."""
    with state.node_lock(node):
        path = state.blob_path(node)
        node.materialized = True
        with open(path, "rb") as blob:
            blob.seek(offset)
            stored = blob.read(1)[0]
        if provider_id is None:
            with open(path, "r+b") as blob:
                blob.seek(offset)
                blob.write(bytes([stored ^ 0xFF]))
            return stored, stored ^ 0xFF
        with state.lock:
            corruption = {pid: dict(flips) for pid, flips in (node.corruption or {}).items()}
            flips = corruption.setdefault(provider_id, {})
            before = stored ^ flips.get(offset, 0)
            mask = flips.get(offset, 0) ^ 0xFF
            if mask:
                flips[offset] = mask
            else:
                del flips[offset]
            node.corruption = {p: f for p, f in corruption.items() if f} or None
        return before, before ^ 0xFF


def digest(state, node, provider_id=None):
    """(sha256 hex, size) of a regular file's content, as a provider
    (or, without one, the stored content) would serve it."""
    path = state.blob_path(node)
    size = node.size
    sha = hashlib.sha256()
    got = 0
    for chunk in read(path, 0, size, overlay(node, provider_id)):
        sha.update(chunk)
        got += len(chunk)
    return sha.hexdigest(), got
