"""What the zone derives from the file trees: replica distribution,
directory size statistics, dataset membership and protection, QoS
fulfilment. Pure functions of the state; the costly ones (anything that
walks a subtree) are memoized in the state until the tree changes.
"""

import bisect

from . import qosexpr
from .model import PROTECTION_FLAGS

# -- subtrees ------------------------------------------------------------------


def walk_sorted(root, after=(), prefix="", with_dirs=False):
    """(relative path, node) below `root` in the order of
    GET /data/{id}/files: depth first, each directory's names in byte
    order, so paths are ordered component by component. Files only, or
    directories too (each before its content).

    `after` (path components) starts strictly after that path, `prefix`
    keeps the paths starting with it; both narrow each directory with a
    bisect, so a page costs the same anywhere in a 100,000-entry
    directory."""
    return _walk(root, "", tuple(after), prefix, with_dirs)


def _candidates(directory, base, prefix):
    """Indices in directory.names of the children that may match
    `prefix`, in order (every index when the prefix does not narrow)."""
    names = directory.names
    if not prefix or base.startswith(prefix):
        return None
    if not prefix.startswith(base):
        return []                          # nothing below can match
    rest = prefix[len(base):]
    found = []
    for k in range(1, len(rest)):          # names that are a start of it
        if rest[:k] in directory.by_name:
            found.append(bisect.bisect_left(names, rest[:k]))
    at = bisect.bisect_left(names, rest)
    while at < len(names) and names[at].startswith(rest):
        found.append(at)
        at += 1
    return found


def _walk(directory, base, after, prefix, with_dirs):
    names, by_name = directory.names, directory.by_name
    start = 0
    resume = None
    if after:
        start = bisect.bisect_left(names, after[0])
        if start < len(names) and names[start] == after[0]:
            node = by_name[names[start]]
            if node.is_dir:
                resume = node            # its content comes after `after`
            start += 1
    if resume is not None:
        path = base + resume.name
        if path.startswith(prefix) or prefix.startswith(path):
            yield from _walk(resume, path + "/", after[1:], prefix, with_dirs)
    candidates = _candidates(directory, base, prefix)
    indices = range(start, len(names)) if candidates is None else \
        (i for i in candidates if i >= start)
    for index in indices:
        if index >= len(names):
            break
        node = by_name.get(names[index])
        if node is None:
            continue
        path = base + node.name
        if node.is_dir:
            if path.startswith(prefix):
                if with_dirs:
                    yield path, node
                yield from _walk(node, path + "/", (), prefix, with_dirs)
            elif prefix.startswith(path):
                yield from _walk(node, path + "/", (), prefix, with_dirs)
        elif path.startswith(prefix):
            yield path, node


def descendants(node):
    """Every node below `node` (not `node` itself), depth first."""
    if not node.is_dir:
        return
    stack = [node]
    while stack:
        directory = stack.pop()
        by_name = directory.by_name
        for name in directory.names:
            child = by_name[name]
            yield child
            if child.is_dir:
                stack.append(child)


def storage_path(node):
    """Where a file lives on a POSIX storage: /<spaceId>/<path in the space>."""
    parts = []
    while node.parent is not None:
        parts.append(node.name)
        node = node.parent
    return "/" + "/".join([node.space.id] + list(reversed(parts)))


# -- directory size statistics -------------------------------------------------
#
# Modelled as if the statistics had been collected since each space was
# created: every file or directory below D counts from its creation time
# (its mtime in the fixture), and each creation is one measurement of all
# of D's time series (the collector flushes the whole collection at once).
# Metrics keep the last value of their window, as op-worker's do.

METRICS = {            # name: (resolution in seconds, retention in windows)
    "minute": (60, 720),
    "hour": (3600, 1440),
    "day": (86400, 550),
    "month": (30 * 86400, 360),
}
METRIC_NAMES = ("day", "hour", "minute", "month")


def time_series_names(provider):
    return ("total_size", "storage_use_" + provider.storage_id,
            "reg_file_and_link_count", "file_errors_count", "dir_errors_count",
            "dir_count")


def _events(state, directory):
    """(time, node) of every creation below `directory`, oldest first."""
    def compute():
        events = [(n.creation_time, n) for n in descendants(directory)]
        events.sort(key=lambda e: (e[0], e[1].uuid))
        return events
    return state.memo(("events", directory.uuid), compute)


def dir_totals(state, directory, provider_id):
    """The current values of a directory's statistics on a provider."""
    def compute():
        totals = {"total_size": 0, "physical": 0, "reg_file_and_link_count": 0,
                  "dir_count": 0}
        for _, node in _events(state, directory):
            if node.is_dir:
                totals["dir_count"] += 1
            else:
                totals["reg_file_and_link_count"] += 1
                totals["total_size"] += node.size
                totals["physical"] += node.physical_size(provider_id)
        return totals
    return state.memo(("totals", directory.uuid, provider_id), compute)


def time_series(state, directory, provider):
    """{time series: {metric: [[timestamp, value, first, last], ...]}},
    windows newest first, each metric cut to its retention."""
    def compute():
        names = time_series_names(provider)
        events = _events(state, directory)
        # The collection's values after each measurement, in `names` order.
        after, size, physical, files, dirs = [], 0, 0, 0, 0
        for _, node in events:
            if node.is_dir:
                dirs += 1
            else:
                files += 1
                size += node.size
                physical += node.physical_size(provider.id)
            after.append((size, physical, files, 0, 0, dirs))
        result = {name: {} for name in names}
        for metric, (resolution, retention) in METRICS.items():
            spans = {}             # window start -> [first event, last event]
            for index, (when, _) in enumerate(events):
                start = when - when % resolution
                span = spans.get(start)
                if span is None:
                    spans[start] = [index, index]
                else:
                    span[1] = index
            starts = sorted(spans, reverse=True)[:retention]
            for column, name in enumerate(names):
                result[name][metric] = [
                    [start, after[spans[start][1]][column],
                     events[spans[start][0]][0], events[spans[start][1]][0]]
                    for start in starts]
        return result
    return state.memo(("tsc", directory.uuid, provider.id), compute)


# -- distribution --------------------------------------------------------------


def distribution(state, node):
    """GET /data/{id}/distribution: every supporting provider's view."""
    per_provider = {}
    for pid, support in node.space.supports.items():
        storage = support.provider.storage_id
        failure = (node.distribution_errors or {}).get(pid)
        if failure is not None:
            per_provider[pid] = {
                "success": False,
                "distributionPerStorage": {storage: {"error": failure.json()}}}
        elif node.is_dir:
            # Directory sizes come from the directory statistics; without
            # them (disabled, not ready) the provider knows no numbers.
            if support.dir_stats == "enabled":
                totals = dir_totals(state, node, pid)
                virtual, physical = totals["total_size"], totals["physical"]
            else:
                virtual = physical = None
            per_provider[pid] = {
                "success": True, "virtualSize": virtual,
                "distributionPerStorage": {storage: {"physicalSize": physical}}}
        else:
            blocks = node.blocks(pid)
            held = node.share_of_bytes(pid) > 0
            per_provider[pid] = {
                "success": True, "virtualSize": node.size,
                "locationsPerStorage": {storage: storage_path(node) if held else None},
                "distributionPerStorage": {storage: {
                    "blocks": blocks, "physicalSize": sum(b[1] for b in blocks)}}}
    return {"type": "DIR" if node.is_dir else "REG",
            "distributionPerProvider": per_provider}


# -- datasets ------------------------------------------------------------------


def attached_dataset(node):
    dataset = node.dataset
    return dataset if dataset is not None and dataset.attached else None


def ancestor_datasets(node):
    """Attached datasets of the node's ancestors, nearest first."""
    return [d for d in (attached_dataset(a) for a in node.ancestors()) if d]


def protection_flags(node):
    """Effective protection flags: the union over the attached datasets of
    the node and its ancestors (no hard links in the fixture)."""
    held = set()
    for dataset in [attached_dataset(node)] + ancestor_datasets(node):
        if dataset is not None:
            held.update(dataset.protection_flags)
    return [f for f in PROTECTION_FLAGS if f in held]


def inheritance_path(direct, ancestor):
    """FileInheritancePath as 21.02.7 spells it (directAndAncestor)."""
    if direct and ancestor:
        return "directAndAncestor"
    return "direct" if direct else "ancestor" if ancestor else "none"


def dataset_inheritance_path(node):
    return inheritance_path(attached_dataset(node) is not None,
                            bool(ancestor_datasets(node)))


def dataset_parent(dataset):
    """The parent dataset: the nearest attached ancestor for an attached
    dataset, the one it had when detached for a detached one."""
    if dataset.attached:
        parents = ancestor_datasets(dataset.node)
        return parents[0] if parents else None
    return dataset.detached_parent


def effective_dataset_flags(dataset):
    """A dataset's effectiveProtectionFlags: none while detached."""
    return protection_flags(dataset.node) if dataset.attached else []


def dataset_children(state, space, parent, dataset_state):
    """Datasets of one tree (attached or detached) whose parent is `parent`
    (None: the top datasets), sorted by name then id."""
    found = [d for d in state.datasets.values()
             if d.space is space and d.state == dataset_state
             and dataset_parent(d) is parent]
    found.sort(key=lambda d: (d.name, d.id))
    return found


def dataset_summary(node):
    direct = node.dataset
    return {"directDataset": direct.id if direct is not None else None,
            "effectiveAncestorDatasets": [d.id for d in ancestor_datasets(node)],
            "effectiveProtectionFlags": protection_flags(node)}


# -- QoS -----------------------------------------------------------------------

def matching_providers(expression, providers):
    """The providers whose storage matches a QoS expression (one storage
    per provider); see qosexpr for the syntax."""
    tree = qosexpr.parse(expression) if isinstance(expression, str) else expression
    return qosexpr.matching(tree, {p.id: p.qos_parameters for p in providers})


def matching_storages(space, expression):
    """[provider] of the space's supports whose storage matches."""
    providers = [s.provider for s in space.supports.values()]
    chosen = matching_providers(expression, providers)
    return [p for p in providers if p.id in chosen]


def aggregate(statuses):
    statuses = set(statuses)
    if "impossible" in statuses:
        return "impossible"
    return "pending" if "pending" in statuses else "fulfilled"


def qos_status(state, requirement, node):
    """A requirement's status for one file or directory: impossible when
    fewer storages match than replicas are required; pending while the
    reconciliation of a requirement added through the API has not
    processed the file (directories: until it ends); otherwise, for a
    file, fulfilled when that many matching storages hold it completely,
    for a directory, fulfilled when every file below is."""
    providers = [s.provider for s in requirement.space.supports.values()]
    matching = state.memo(("qos-match", requirement.id), lambda: matching_providers(
        requirement.expression, providers))
    if len(matching) < requirement.replicas_num:
        return "impossible"
    job = requirement.job
    if job is not None and not job.ended and (node.is_dir or node.uuid not in job.reconciled):
        return "pending"          # its reconciliation has not got there yet

    def file_status(f):
        complete = sum(1 for pid in matching if f.replication_rate(pid) >= 1.0)
        return "fulfilled" if complete >= requirement.replicas_num else "pending"

    def dir_status(d):
        def compute():
            for name in d.names:
                child = d.by_name[name]
                status = dir_status(child) if child.is_dir else file_status(child)
                if status != "fulfilled":
                    return status
            return "fulfilled"
        return state.memo(("qos", requirement.id, d.uuid), compute)

    return dir_status(node) if node.is_dir else file_status(node)


def effective_qos(node):
    """Requirements on the node itself and on its ancestors."""
    direct = list(node.qos or [])
    inherited = [q for a in node.ancestors() for q in (a.qos or [])]
    return direct, inherited


def qos_inheritance_path(node):
    direct, inherited = effective_qos(node)
    return inheritance_path(bool(direct), bool(inherited))


def qos_summary(state, node):
    direct, inherited = effective_qos(node)
    requirements = {q.id: qos_status(state, q, node) for q in direct + inherited}
    return {"requirements": requirements, "status": aggregate(requirements.values())}


# -- shares --------------------------------------------------------------------


def share_json(state, share, service, public=False):
    """A share as the Oneprovider (rootFileType REG|DIR) or the Onezone
    (fileType file|dir, creator, creationTime; no spaceId nor creator in
    the public view) describes it. Public URLs carry the zone's domain."""
    base = state.zone_public_url
    value = {
        "shareId": share.id,
        "name": share.name,
        "description": share.description,
        "publicUrl": "%s/share/%s" % (base, share.id),
        "publicRestUrl": "%s/api/v3/onezone/shares/%s/public" % (base, share.id),
        "rootFileId": share.root_file_id,
        "handleId": share.handle,
    }
    if service == "oneprovider":
        value["spaceId"] = share.space.id
        value["rootFileType"] = "DIR" if share.node.is_dir else "REG"
        return value
    value["fileType"] = "dir" if share.node.is_dir else "file"
    value["creationTime"] = share.creation_time
    if not public:
        value["spaceId"] = share.space.id
        value["creator"] = {"type": "user", "id": share.creator}
    return value
