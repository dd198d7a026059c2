/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ingest.c: an acquisition session into a space (ingest.h).
 *
 * The session keeps one record per file it ever noticed, found by path
 * through a small hash table, in one of a few states: noticed and not
 * complete (pending), complete and waiting (queued), in the upload under
 * way (sending), in the space (sent), failed and waiting to be tried
 * again, or gone. Complete files go out in batches, one upload at a
 * time: a batch is either files sent for the first time (or as a new
 * version), which never replace anything, or changed files that replace
 * what they sent before.
 *
 * The journal holds the session's header, its own records ({"seen"},
 * {"sent"}, {"failed"}, {"gone"}, {"ended"}) and those the uploads add
 * ({"part"}, {"done"}, {"creating"}), which are handed back to the upload
 * that sends the same file after a restart so that it goes on where it
 * stopped. */
#include "config.h"

#include "onetui/ingest.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "onetui/config.h"
#include "onetui/digest.h"
#include "onetui/engine.h"
#include "onetui/i18n.h"
#include "onetui/job.h"
#include "onetui/journal.h"
#include "onetui/json.h"
#include "onetui/log.h"
#include "onetui/str.h"
#include "core-int.h"

/* Files in one upload at most: a long session is sent in pieces. */
#define BATCH_MAX 512
/* A failed file is tried again after 10 s, then twice as long each time,
 * up to 30 min; up to 1 min when waiting mends what failed (the network,
 * the server). When files failed so for 10 s or more and then one is
 * sent, the others go at once. */
#define RETRY_FIRST_MS 10000LL
#define RETRY_MAX_MS (30 * 60 * 1000LL)
#define RETRY_TRANSIENT_MAX_MS (60 * 1000LL)
/* How often the end marker is looked for. */
#define MARKER_POLL_MS 1000
/* A finished folder gives up on a file after this many rounds of tries. */
#define ONCE_ROUNDS 3

static const char *const temp_globs[] = {
	"*.tmp", "*.temp", "*.partial", "*.crdownload", "*.swp", "*~", "~$*", ".~lock.*", ".DS_Store", "._*",
	"Thumbs.db", "desktop.ini",
};

const char *const *
od_ingest_temporary(const struct od_config *cfg, size_t *n)
{
	if (cfg && cfg->ingest_temporary_set) {
		*n = cfg->n_ingest_temporary;
		return (const char *const *)cfg->ingest_temporary;
	}
	*n = OD_ARRAY_SIZE(temp_globs);
	return temp_globs;
}

enum file_state {
	F_PENDING,
	F_QUEUED,
	F_SENDING,
	F_SENT,
	F_FAILED,
	F_GONE,
	F_STATES,
};

struct ing_file {
	char *path;		/* below the source */
	enum file_state state;
	int64_t size, mtime_ns;	/* as it was when last complete */
	uint64_t ino;		/* ... its inode and change time, 0: not known (see watch.h) */
	int64_t ctime_ns;
	bool again;		/* changed while being sent: queue it once the batch ends */
	struct od_watch_file again_as;	/* as it was then (path unset) */
	unsigned sent_version;	/* of the copy in the space (1, 2...), 0: none */
	unsigned version;	/* of the copy to send */
	bool replace;		/* queued to replace the copy sent before */
	unsigned rounds;	/* failed tries */
	long long retry_at;	/* F_FAILED: when to try again (od_now_ms) */
	bool transient;		/* F_FAILED: by something waiting mends */
	cJSON *note;		/* the last upload record about it: of an earlier run, or of a failed try */
};

struct od_ingest {
	struct od_zone *z;
	struct od_space *space;
	char *dest, *source, *id, *journal_path;
	struct od_ingest_opts opts;
	char *end_marker;
	long long marker_ms;	/* when the marker was last looked for */
	bool marker_rescan;	/* it was found: the session ends after the scan that follows */
	od_ingest_event_fn *fn;
	void *ud;
	struct od_journal *journal;
	struct od_watch *watch;

	struct ing_file *files;
	size_t n_files, cap_files;
	/* Files in each state, and failed ones given up on: kept as states
	 * change, so that each turn of the loop need not look at every file. */
	size_t count[F_STATES];
	size_t given_up;
	long long next_retry;	/* the earliest retry_at of a failed file, or LLONG_MAX */
	long long failing_since;	/* the first failure waiting mends since a file was sent, or 0 */
	size_t *slots;		/* the hash table: index + 1 of a file, 0 empty */
	size_t n_slots;

	struct od_upload *upload;	/* the batch under way */
	bool upload_done;	/* its OD_XFER_FINISHED came: free it in the next run */
	bool paused;
	uint64_t bytes_sent;
	bool scanned;		/* the first scan is over */
	const char *ending;	/* why it ends once all is sent, or NULL */
	bool ended;
};

/* --- the files, by path ------------------------------------------------------------ */

static size_t
path_hash(const char *s)
{
	size_t h = 14695981039346656037ULL & SIZE_MAX;

	while (*s)
		h = (h ^ (unsigned char)*s++) * (1099511628211ULL & SIZE_MAX);
	return h;
}

static struct ing_file *
find_file(const struct od_ingest *in, const char *path)
{
	if (!in->n_slots)
		return NULL;
	for (size_t i = path_hash(path) & (in->n_slots - 1);; i = (i + 1) & (in->n_slots - 1)) {
		size_t k = in->slots[i];
		if (!k)
			return NULL;
		if (strcmp(in->files[k - 1].path, path) == 0)
			return &in->files[k - 1];
	}
}

static void
slot_put(size_t *slots, size_t n_slots, const char *path, size_t index)
{
	size_t i = path_hash(path) & (n_slots - 1);

	while (slots[i])
		i = (i + 1) & (n_slots - 1);
	slots[i] = index + 1;
}

/* The file at path, made pending when new; NULL when out of memory. */
static struct ing_file *
file_at(struct od_ingest *in, const char *path)
{
	struct ing_file *f = find_file(in, path);

	if (f)
		return f;
	if (in->n_files == in->cap_files) {
		size_t cap = in->cap_files ? in->cap_files * 2 : 64;
		struct ing_file *v = realloc(in->files, cap * sizeof(*v));
		if (!v)
			return NULL;
		in->files = v;
		in->cap_files = cap;
	}
	/* The table is kept at most half full. */
	if ((in->n_files + 1) * 2 > in->n_slots) {
		size_t n = in->n_slots ? in->n_slots * 2 : 128;
		size_t *slots = calloc(n, sizeof(*slots));
		if (!slots)
			return NULL;
		for (size_t i = 0; i < in->n_files; i++)
			slot_put(slots, n, in->files[i].path, i);
		free(in->slots);
		in->slots = slots;
		in->n_slots = n;
	}
	f = &in->files[in->n_files];
	memset(f, 0, sizeof(*f));
	if (!(f->path = strdup(path)))
		return NULL;
	f->state = F_PENDING;
	in->count[F_PENDING]++;
	slot_put(in->slots, in->n_slots, path, in->n_files++);
	return f;
}

/* Whether f failed too often to be tried again (a finished folder's
 * session gives up after a few rounds). */
static bool
gave_up(const struct od_ingest *in, const struct ing_file *f)
{
	return f->state == F_FAILED && in->opts.once && f->rounds >= ONCE_ROUNDS;
}

static void
set_state(struct od_ingest *in, struct ing_file *f, enum file_state st)
{
	in->given_up -= gave_up(in, f);
	in->count[f->state]--;
	f->state = st;
	in->count[st]++;
	in->given_up += gave_up(in, f);
}

/* --- words and names ----------------------------------------------------------------- */

static void
emit(struct od_ingest *in, enum od_ingest_event_kind kind, const struct ing_file *f, const char *remote,
     const struct od_error *err)
{
	struct od_ingest_event ev = { .kind = kind, .path = f ? f->path : NULL, .remote = remote,
				      .size = f ? (uint64_t)f->size : 0, .err = err };

	in->fn(&ev, in->ud);
}

static void
problem(struct od_ingest *in, struct od_error *err)
{
	emit(in, OD_INGEST_PROBLEM, NULL, NULL, err);
	od_error_free(err);
}

/* Version v of name: "frame.tif", "frame.v2.tif", "README.v3" (a leading
 * dot is not an extension). NULL when out of memory. */
static char *
versioned(const char *name, unsigned v)
{
	const char *dot = strrchr(name, '.');

	if (v <= 1)
		return od_strdup(name);
	if (!dot || dot == name)
		return od_asprintf("%s.v%u", name, v);
	return od_asprintf("%.*s.v%u%s", (int)(dot - name), name, v, dot);
}

/* The folder below the destination, in the space, and the name, of f's
 * copy; false when out of memory. */
static bool
remote_place(const struct od_ingest *in, const struct ing_file *f, char **dir, char **name)
{
	const char *slash = strrchr(f->path, '/');

	if (slash)
		*dir = *in->dest ? od_asprintf("%s/%.*s", in->dest, (int)(slash - f->path), f->path)
				 : od_asprintf("%.*s", (int)(slash - f->path), f->path);
	else
		*dir = od_strdup(in->dest);
	*name = versioned(slash ? slash + 1 : f->path, f->version ? f->version : 1);
	if (*dir && *name)
		return true;
	free(*dir);
	free(*name);
	return false;
}

/* --- the journal --------------------------------------------------------------------- */

/* Add a record {key: path, ...}: the rest of the fields in rec. */
static void
journal(struct od_ingest *in, cJSON *rec)
{
	struct od_error *err;

	if (!rec) {
		problem(in, od_error_nomem());
		return;
	}
	cJSON_AddNumberToObject(rec, "t", (double)time(NULL));
	if ((err = od_journal_add(in->journal, rec)))
		problem(in, err);
	cJSON_Delete(rec);
}

/* Nanoseconds since the epoch and inode numbers need more digits than a
 * JSON number keeps (a double): they are written as strings. False when
 * key is missing or not such a number. */
static bool
get_digits(const cJSON *rec, const char *key, bool is_unsigned, uint64_t *out)
{
	const char *text = od_json_get_str(rec, key);
	char *end;
	uint64_t v;

	if (!text || !*text || (is_unsigned && *text == '-'))
		return false;
	errno = 0;
	v = is_unsigned ? strtoull(text, &end, 10) : (uint64_t)strtoll(text, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

static bool
get_ns(const cJSON *rec, const char *key, int64_t *out)
{
	uint64_t v;

	if (!get_digits(rec, key, false, &v))
		return false;
	*out = (int64_t)v;
	return true;
}

static cJSON *
file_record(const char *key, const struct ing_file *f)
{
	cJSON *rec = cJSON_CreateObject();
	char ns[24], ino[24], cns[24];

	snprintf(ns, sizeof(ns), "%lld", (long long)f->mtime_ns);
	snprintf(ino, sizeof(ino), "%llu", (unsigned long long)f->ino);
	snprintf(cns, sizeof(cns), "%lld", (long long)f->ctime_ns);
	if (rec && (!cJSON_AddStringToObject(rec, key, f->path) ||
		    !cJSON_AddNumberToObject(rec, "size", (double)f->size) || !cJSON_AddStringToObject(rec, "mtimeNs", ns) ||
		    (f->ino && (!cJSON_AddStringToObject(rec, "ino", ino) ||
				!cJSON_AddStringToObject(rec, "ctimeNs", cns))))) {
		cJSON_Delete(rec);
		return NULL;
	}
	return rec;
}

/* f as the watch says it is now. */
static void
keep_stat(struct ing_file *f, const struct od_watch_file *wf)
{
	f->size = wf->size;
	f->mtime_ns = wf->mtime_ns;
	f->ino = wf->ino;
	f->ctime_ns = wf->ctime_ns;
}

static void
sync_journal(struct od_ingest *in)
{
	struct od_error *err;

	if (od_journal_queued(in->journal) && (err = od_journal_sync(in->journal)))
		problem(in, err);
}

/* --- ending ---------------------------------------------------------------------------- */

static bool
drained(const struct od_ingest *in)
{
	return !in->upload && !in->count[F_PENDING] && !in->count[F_QUEUED] && !in->count[F_SENDING] &&
	       in->count[F_FAILED] == in->given_up;
}

/* Whether the end marker is in the source's top folder already (a file:
 * the watch reports files only). */
static bool
marker_there(const char *source, const char *marker)
{
	struct stat st;
	char *path = marker ? od_asprintf("%s/%s", source, marker) : NULL;
	bool there = path && lstat(path, &st) == 0 && !S_ISDIR(st.st_mode);

	free(path);
	return there;
}

/* The end marker is looked for on its own, once a second: the globs may
 * leave it out of what the watch reports (--include '*.tif'). */
static bool
marker_present(struct od_ingest *in)
{
	long long now = od_now_ms();

	if (!in->end_marker || now - in->marker_ms < MARKER_POLL_MS)
		return false;
	in->marker_ms = now;
	return marker_there(in->source, in->end_marker);
}

static void
check_end(struct od_ingest *in)
{
	struct od_ingest_event ev = { .kind = OD_INGEST_ENDED };
	cJSON *rec;

	if (in->ended)
		return;
	/* Files written before the marker may not have been met yet (a
	 * polling watch reads the folder every few seconds): the folder is
	 * read once more, and the session ends after that. */
	if (!in->ending && !in->marker_rescan && in->scanned && marker_present(in)) {
		in->marker_rescan = true;
		od_watch_rescan(in->watch);
	}
	if (!in->ending && in->opts.once && in->scanned && drained(in))
		in->ending = "done";
	if (!in->ending && in->opts.idle_end_ms > 0 && in->scanned &&
	    od_watch_idle_ms(in->watch) >= in->opts.idle_end_ms && drained(in))
		in->ending = "idle";
	if (!in->ending || !drained(in))
		return;
	in->ended = true;
	rec = cJSON_CreateObject();
	if (rec && !cJSON_AddStringToObject(rec, "ended", in->ending)) {
		cJSON_Delete(rec);
		rec = NULL;
	}
	journal(in, rec);
	sync_journal(in);
	ev.why = in->ending;
	in->fn(&ev, in->ud);
}

void
od_ingest_end(struct od_ingest *in)
{
	if (!in->ending)
		in->ending = "asked";
}

/* "DIR/ID.end" for the journal "DIR/ID.journal"; NULL when out of memory. */
static char *
end_request_path(const char *journal_path)
{
	size_t n = strlen(journal_path);

	return n > 8 ? od_asprintf("%.*s.end", (int)(n - 8), journal_path) : NULL;
}

struct od_error *
od_ingest_request_end(const char *id)
{
	struct od_error *err;
	char *dir = NULL, *journal_path, *path;
	int fd;

	if ((err = od_state_dir("ingest", &dir)))
		return err;
	journal_path = od_journal_path(dir, id);
	path = journal_path ? end_request_path(journal_path) : NULL;
	if (!path)
		err = od_error_nomem();
	else if (access(journal_path, F_OK) != 0)
		err = od_error_new(OD_ERR_INPUT, _("there is no ingest session %s (onetui watch status lists them)"), id);
	else if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) < 0)
		err = od_error_errno(OD_ERR_IO, errno, _("cannot ask session %s to end (%s)"), id, path);
	else
		close(fd);
	free(path);
	free(journal_path);
	free(dir);
	return err;
}

/* An end asked for by another process: taken. */
static void
take_end_request(struct od_ingest *in)
{
	char *path = end_request_path(in->journal_path);

	if (path && unlink(path) == 0)
		od_ingest_end(in);
	free(path);
}

/* --- what the watch says ----------------------------------------------------------------- */

static bool
is_marker(const struct od_ingest *in, const char *path)
{
	return in->end_marker && strcmp(path, in->end_marker) == 0;
}

static void
on_seen(struct od_ingest *in, const struct od_watch_file *wf)
{
	struct ing_file *f = file_at(in, wf->path);

	if (!f) {
		problem(in, od_error_nomem());
		return;
	}
	if (f->state != F_SENDING)
		set_state(in, f, F_PENDING);
	keep_stat(f, wf);
	/* Journaled before anything else is done about it. */
	journal(in, file_record("seen", f));
	emit(in, OD_INGEST_SEEN, f, NULL, NULL);
}

static void
on_stable(struct od_ingest *in, const struct od_watch_file *wf)
{
	struct ing_file *f = file_at(in, wf->path);

	if (!f) {
		problem(in, od_error_nomem());
		return;
	}
	if (f->state == F_SENDING) {
		f->again = true;
		f->again_as = *wf;
		f->again_as.path = NULL;
		return;
	}
	keep_stat(f, wf);
	set_state(in, f, F_QUEUED);
	f->rounds = 0;
	/* A new file is version 1; a changed one replaces its copy, or
	 * goes beside it as the next version. */
	f->replace = f->sent_version && !in->opts.keep_versions;
	f->version = !f->sent_version ? 1 : f->replace ? f->sent_version : f->sent_version + 1;
}

static void
on_gone(struct od_ingest *in, const struct od_watch_file *wf)
{
	struct ing_file *f = find_file(in, wf->path);

	/* Never deleted from the space; only no longer waited for. */
	if (!f || f->state == F_SENDING || f->state == F_GONE)
		return;
	set_state(in, f, F_GONE);
	journal(in, file_record("gone", f));
}

static void
on_watch(const struct od_watch_event *ev, void *ud)
{
	struct od_ingest *in = ud;

	switch (ev->kind) {
	case OD_WATCH_SEEN:
		if (is_marker(in, ev->file->path)) {
			if (!in->ending)
				in->ending = "marker";
			return;
		}
		on_seen(in, ev->file);
		break;
	case OD_WATCH_STABLE:
		if (!is_marker(in, ev->file->path))
			on_stable(in, ev->file);
		break;
	case OD_WATCH_GONE:
		on_gone(in, ev->file);
		break;
	case OD_WATCH_PROBLEM:
		emit(in, OD_INGEST_PROBLEM, NULL, NULL, ev->err);
		break;
	case OD_WATCH_SCANNED:
		in->scanned = true;
		if (in->marker_rescan && !in->ending)
			in->ending = "marker";
		break;
	}
}

/* --- sending ----------------------------------------------------------------------------- */

/* The file an upload event is about (its local path is below the source). */
static struct ing_file *
file_of_local(struct od_ingest *in, const char *local)
{
	size_t n = strlen(in->source);

	if (!local || strncmp(local, in->source, n) != 0 || local[n] != '/')
		return NULL;
	return find_file(in, local + n + 1);
}

/* Whether waiting mends what made a file fail: the network, the server
 * (5xx, 429), a TLS connection (a proxy while the network comes back); not
 * what the request or the file is (4xx, local errors). */
static bool
transient(const struct od_error *err)
{
	return !err || err->kind == OD_ERR_NETWORK || err->kind == OD_ERR_TLS || err->retryable;
}

static void
failed(struct od_ingest *in, struct ing_file *f, const struct od_error *err)
{
	long long wait = RETRY_FIRST_MS << (f->rounds < 8 ? f->rounds : 8);
	long long max = transient(err) ? RETRY_TRANSIENT_MAX_MS : RETRY_MAX_MS;
	cJSON *rec = file_record("failed", f);

	f->rounds++;
	f->transient = transient(err);
	f->retry_at = od_now_ms() + (wait < max ? wait : max);
	if (f->transient && !in->failing_since)
		in->failing_since = od_now_ms();
	set_state(in, f, F_FAILED);
	if (!gave_up(in, f) && f->retry_at < in->next_retry)
		in->next_retry = f->retry_at;
	if (rec && err && !cJSON_AddStringToObject(rec, "error", err->message)) {
		cJSON_Delete(rec);
		rec = NULL;
	}
	journal(in, rec);
	emit(in, OD_INGEST_FAILED, f, NULL, err);
}

/* A file was sent after files failed for want of the network for a
 * while: it is back, and they go now. Not after a moment (one file that
 * keeps failing among others sent waits its time). */
static void
network_back(struct od_ingest *in)
{
	long long now = od_now_ms();

	if (in->failing_since && now - in->failing_since >= RETRY_FIRST_MS)
		for (size_t i = 0; in->count[F_FAILED] > in->given_up && i < in->n_files; i++) {
			struct ing_file *f = &in->files[i];
			if (f->state == F_FAILED && f->transient && !gave_up(in, f) && f->retry_at > now) {
				f->retry_at = now;
				in->next_retry = now;
			}
		}
	in->failing_since = 0;
}

static void
sent(struct od_ingest *in, struct ing_file *f, const struct od_xfer_event *ev)
{
	struct od_ingest_event out = { .kind = OD_INGEST_SENT, .path = f->path, .remote = ev->remote,
				       .size = (uint64_t)f->size, .sha256 = ev->sha256,
				       .kept = ev->kind == OD_XFER_FILE_KEPT };
	cJSON *rec = file_record("sent", f);

	set_state(in, f, F_SENT);
	f->sent_version = f->version;
	f->rounds = 0;
	network_back(in);
	if (ev->kind == OD_XFER_FILE_DONE)
		in->bytes_sent += ev->size;
	if (rec && (!cJSON_AddNumberToObject(rec, "version", f->version) ||
		    (ev->sha256 && !cJSON_AddStringToObject(rec, "sha256", ev->sha256)) ||
		    (ev->file_id && !cJSON_AddStringToObject(rec, "fileId", ev->file_id)))) {
		cJSON_Delete(rec);
		rec = NULL;
	}
	journal(in, rec);
	cJSON_Delete(f->note);
	f->note = NULL;
	in->fn(&out, in->ud);
}

/* A file failed after its remote copy was asked for: the next upload
 * takes it up as one after a crash would (from the journal), instead of
 * finding a file it does not know there. */
static void
note_made(struct od_ingest *in, struct ing_file *f, const struct od_xfer_event *ev)
{
	cJSON *rec = cJSON_CreateObject();

	if (!rec || !cJSON_AddStringToObject(rec, ev->file_id ? "part" : "creating", ev->local) ||
	    (ev->file_id && !cJSON_AddStringToObject(rec, "fileId", ev->file_id)) ||
	    !cJSON_AddNumberToObject(rec, "size", (double)ev->size) ||
	    !cJSON_AddNumberToObject(rec, "mtime", (double)ev->mtime)) {
		cJSON_Delete(rec);
		problem(in, od_error_nomem());
		return;
	}
	cJSON_Delete(f->note);
	f->note = rec;
}

static void
on_upload(const struct od_xfer_event *ev, void *ud)
{
	struct od_ingest *in = ud;
	struct ing_file *f = file_of_local(in, ev->local);

	switch (ev->kind) {
	case OD_XFER_FILE_DONE:
	case OD_XFER_FILE_KEPT:
		if (f && f->state == F_SENDING)
			sent(in, f, ev);
		break;
	case OD_XFER_FILE_FAILED:
		if (f && f->state == F_SENDING && ev->made)
			note_made(in, f, ev);
		/* fall through */
	case OD_XFER_NAME:
	case OD_XFER_SKIPPED:
		if (f && f->state == F_SENDING)
			failed(in, f, ev->err);
		break;
	case OD_XFER_PAUSED:
		in->paused = true;
		emit(in, OD_INGEST_PAUSED, NULL, NULL, ev->err);
		break;
	case OD_XFER_LISTED:
		break;
	case OD_XFER_FINISHED:
		/* Files it did not get to (the whole upload stopped) fail; the
		 * upload is freed in the next run, outside its own call. */
		for (size_t i = 0; in->count[F_SENDING] && i < in->n_files; i++)
			if (in->files[i].state == F_SENDING)
				failed(in, &in->files[i], ev->err);
		in->upload_done = true;
		in->paused = false;
		break;
	}
}

/* Files changed while they were sent go again. */
static void
requeue_changed(struct od_ingest *in)
{
	for (size_t i = 0; i < in->n_files; i++) {
		struct ing_file *f = &in->files[i];
		struct od_watch_file wf = f->again_as;
		if (!f->again)
			continue;
		wf.path = f->path;
		f->again = false;
		on_stable(in, &wf);
	}
}

static void
end_batch(struct od_ingest *in)
{
	od_upload_free(in->upload);
	in->upload = NULL;
	in->upload_done = false;
	requeue_changed(in);
	sync_journal(in);
}

/* Failed files whose time has come wait again. */
static void
retry_due(struct od_ingest *in)
{
	long long now = od_now_ms();

	if (now < in->next_retry)
		return;
	in->next_retry = LLONG_MAX;
	for (size_t i = 0; in->count[F_FAILED] > in->given_up && i < in->n_files; i++) {
		struct ing_file *f = &in->files[i];
		if (f->state != F_FAILED || gave_up(in, f))
			continue;
		if (f->retry_at <= now)
			set_state(in, f, F_QUEUED);
		else if (f->retry_at < in->next_retry)
			in->next_retry = f->retry_at;
	}
}

/* Add f to the upload u; false (said) when it cannot be. */
static bool
add_to_batch(struct od_ingest *in, struct od_upload *u, struct ing_file *f)
{
	char *dir = NULL, *name = NULL, *local = od_asprintf("%s/%s", in->source, f->path), *shown;
	struct od_error *err = NULL;

	if (!local || !remote_place(in, f, &dir, &name)) {
		free(local);
		problem(in, od_error_nomem());
		return false;
	}
	shown = *dir ? od_asprintf("%s/%s", in->space->name, dir) : od_strdup(in->space->name);
	if (!shown)
		err = od_error_nomem();
	if (!err && f->note)
		err = od_upload_note(u, f->note);
	if (!err)
		err = od_upload_add_path(u, local, in->space, dir, shown, name);
	free(local);
	free(dir);
	free(name);
	free(shown);
	if (err) {
		failed(in, f, err);
		od_error_free(err);
		return false;
	}
	set_state(in, f, F_SENDING);
	return true;
}

/* Send what waits: the first queued file says whether this batch
 * replaces or adds; the others of its kind join it. */
static void
start_batch(struct od_ingest *in)
{
	struct od_upload_opts o = in->opts.upload;
	struct ing_file *first = NULL;
	struct od_upload *u;
	struct od_error *err;
	size_t n = 0;

	for (size_t i = 0; in->count[F_QUEUED] && i < in->n_files && !first; i++)
		if (in->files[i].state == F_QUEUED)
			first = &in->files[i];
	if (!first)
		return;
	o.overwrite = first->replace;
	if ((err = od_upload_new(in->z, &o, on_upload, in, &u))) {
		problem(in, err);
		return;
	}
	od_upload_set_journal(u, in->journal);
	for (size_t i = 0; i < in->n_files && n < BATCH_MAX; i++) {
		struct ing_file *f = &in->files[i];
		if (f->state == F_QUEUED && f->replace == first->replace && add_to_batch(in, u, f))
			n++;
	}
	if (!n) {
		od_upload_free(u);
		return;
	}
	in->upload = u;
	od_upload_start(u);
}

void
od_ingest_run(struct od_ingest *in)
{
	if (in->ended)
		return;
	take_end_request(in);
	od_watch_run(in->watch);
	/* What was noticed is durable before anything is sent. */
	sync_journal(in);
	if (in->upload && in->upload_done)
		end_batch(in);
	retry_due(in);
	if (!in->upload && !in->paused)
		start_batch(in);
	check_end(in);
}

void
od_ingest_resume(struct od_ingest *in)
{
	if (!in->paused)
		return;
	in->paused = false;
	if (in->upload)
		od_upload_resume(in->upload);
}

/* --- taking up an earlier run ------------------------------------------------------------- */

static int
replay_record(const cJSON *rec, void *ud)
{
	struct od_ingest *in = ud;
	static const char *const keys[] = { "seen", "sent", "failed", "gone" };
	const cJSON *upload_key = NULL, *path = NULL;
	struct ing_file *f = NULL;
	int64_t size = 0, mtime = 0, version = 0;
	uint64_t ino;
	size_t k;

	for (k = 0; k < OD_ARRAY_SIZE(keys); k++)
		if (cJSON_IsString(path = cJSON_GetObjectItemCaseSensitive(rec, keys[k])))
			break;
	/* Only the session's own records carry a file's size and time: the
	 * upload's {"failed": LOCAL PATH} is not about a file of the folder,
	 * and a file made for it would wait for ever to be found. */
	if (cJSON_IsString(path) && od_json_is_integer(cJSON_GetObjectItemCaseSensitive(rec, "size"), &size) &&
	    get_ns(rec, "mtimeNs", &mtime) && (f = file_at(in, path->valuestring))) {
		f->size = size;
		f->mtime_ns = mtime;
		/* Not in the records of older versions: not known. */
		f->ino = get_digits(rec, "ino", true, &ino) ? ino : 0;
		if (!get_ns(rec, "ctimeNs", &f->ctime_ns))
			f->ctime_ns = 0;
		set_state(in, f, k == 1 ? F_SENT : k == 2 ? F_FAILED : k == 3 ? F_GONE : F_PENDING);
		if (k == 1)
			f->sent_version = f->version =
				od_json_is_integer(cJSON_GetObjectItemCaseSensitive(rec, "version"), &version) &&
						version > 0 && version < 100000
					? (unsigned)version
					: 1;
		return 0;
	}
	/* An upload's own record: kept for the file it is about. */
	if (!(upload_key = cJSON_GetObjectItemCaseSensitive(rec, "part")))
		upload_key = cJSON_GetObjectItemCaseSensitive(rec, "creating");
	if (!upload_key)
		upload_key = cJSON_GetObjectItemCaseSensitive(rec, "done");
	if (cJSON_IsString(upload_key) && (f = file_of_local(in, upload_key->valuestring))) {
		cJSON_Delete(f->note);
		f->note = cJSON_Duplicate(rec, true);
	}
	return 0;
}

/* Tell the watch what was sent and has not changed since. */
static struct od_error *
declare_known(struct od_ingest *in)
{
	for (size_t i = 0; i < in->n_files; i++) {
		struct ing_file *f = &in->files[i];
		struct od_watch_file wf = { .path = f->path, .size = f->size, .mtime_ns = f->mtime_ns, .ino = f->ino,
					    .ctime_ns = f->ctime_ns };
		if (f->state == F_SENT && od_watch_known(in->watch, &wf) != 0)
			return od_error_nomem();
		/* The rest is found again by the first scan. */
		if (f->state != F_SENT && f->state != F_GONE)
			set_state(in, f, F_PENDING);
	}
	return NULL;
}

/* --- opening and closing ---------------------------------------------------------------------- */

/* The session's id: the same zone, space, destination and source make
 * the same id. */
static char *
session_id(struct od_zone *z, const struct od_space *s, const char *dest, const char *source)
{
	struct od_sha256 *h = od_sha256_new();
	char hex[OD_SHA256_HEX];
	const char *parts[] = { od_zone_origin(z), s->id, dest, source };

	if (!h)
		return NULL;
	for (size_t i = 0; i < OD_ARRAY_SIZE(parts); i++)
		od_sha256_update(h, parts[i], strlen(parts[i]) + 1);
	od_sha256_hex(h, hex);
	od_sha256_free(h);
	return od_strndup(hex, 20);
}

static cJSON *
header(const struct od_ingest *in)
{
	cJSON *h = cJSON_CreateObject();

	if (h && cJSON_AddStringToObject(h, "kind", "ingest") && cJSON_AddStringToObject(h, "id", in->id) &&
	    cJSON_AddStringToObject(h, "zone", od_zone_origin(in->z)) &&
	    cJSON_AddStringToObject(h, "source", in->source) && cJSON_AddStringToObject(h, "spaceId", in->space->id) &&
	    cJSON_AddStringToObject(h, "space", in->space->name) && cJSON_AddStringToObject(h, "dest", in->dest) &&
	    cJSON_AddNumberToObject(h, "created", (double)time(NULL)))
		return h;
	cJSON_Delete(h);
	return NULL;
}

/* Open (or start) and claim the journal, and take up what it says. */
static struct od_error *
open_journal(struct od_ingest *in)
{
	struct od_error *err;
	char *dir = NULL;
	cJSON *h;
	size_t bad = 0;

	if ((err = od_state_dir("ingest", &dir)))
		return err;
	if (!(in->journal_path = od_journal_path(dir, in->id))) {
		free(dir);
		return od_error_nomem();
	}
	if (access(in->journal_path, F_OK) == 0) {
		err = od_journal_read(in->journal_path, replay_record, in, &bad);
		if (!err)
			err = od_journal_open(in->journal_path, &in->journal);
		if (bad)
			od_log(OD_LOG_WARN, "ingest %s: %zu damaged lines in the journal", in->id, bad);
	} else if (!(h = header(in))) {
		err = od_error_nomem();
	} else {
		err = od_journal_create(dir, in->id, h, &in->journal);
		cJSON_Delete(h);
	}
	free(dir);
	if (!err)
		err = od_journal_lock(in->journal);
	return err;
}

struct od_error *
od_ingest_open(struct od_zone *z, struct od_space *s, const char *dest, const char *source,
	       const struct od_ingest_opts *opts, od_ingest_event_fn *fn, void *ud, struct od_ingest **out)
{
	struct od_ingest *in = calloc(1, sizeof(*in));
	struct od_watch_opts wo = opts->watch;
	struct od_error *err = NULL;

	*out = NULL;
	if (!in)
		return od_error_nomem();
	in->z = z;
	in->space = s;
	in->next_retry = LLONG_MAX;
	in->opts = *opts;
	/* The caller's globs last only the call; the watch keeps copies. */
	in->opts.watch.include = in->opts.watch.exclude = NULL;
	in->opts.watch.n_include = in->opts.watch.n_exclude = 0;
	in->fn = fn;
	in->ud = ud;
	in->dest = od_strdup(dest);
	in->source = od_strdup(source);
	in->end_marker = opts->end_marker ? od_strdup(opts->end_marker) : NULL;
	in->opts.end_marker = in->end_marker;
	if (!in->dest || !in->source || (opts->end_marker && !in->end_marker) ||
	    !(in->id = session_id(z, s, dest, source)))
		err = od_error_nomem();
	/* The acquisition is over: the files are complete as they are, and
	 * the session ends once they are sent. */
	if (!err && marker_there(source, opts->end_marker)) {
		in->ending = "marker";
		wo.stable_ms = -1;
	}
	/* The source is checked first: a wrong one leaves no journal. */
	if (!err)
		err = od_watch_new(source, &wo, on_watch, in, &in->watch);
	if (!err)
		err = open_journal(in);
	if (!err)
		err = declare_known(in);
	/* How it runs this time, for whoever takes it up. */
	if (!err)
		journal(in, od_ingest_opts_record(opts));
	if (err) {
		od_ingest_free(in);
		return err;
	}
	*out = in;
	return NULL;
}

const char *
od_ingest_id(const struct od_ingest *in)
{
	return in->id;
}

const char *
od_ingest_journal_path(const struct od_ingest *in)
{
	return in->journal_path;
}

enum od_watch_mode
od_ingest_watch_mode(const struct od_ingest *in)
{
	return od_watch_mode(in->watch);
}

int
od_ingest_fd(const struct od_ingest *in)
{
	return od_watch_fd(in->watch);
}

long
od_ingest_next_ms(const struct od_ingest *in)
{
	long next = od_watch_next_ms(in->watch);
	long long now = od_now_ms();

	if (in->ended)
		return -1;
	if (in->upload_done || (in->count[F_QUEUED] && !in->upload && !in->paused))
		return 0;
	if (in->count[F_FAILED] > in->given_up) {
		long wait = in->next_retry > now ? (long)(in->next_retry - now) : 0;
		if (next < 0 || wait < next)
			next = wait;
	}
	if (in->opts.idle_end_ms > 0) {
		int64_t left = in->opts.idle_end_ms - od_watch_idle_ms(in->watch);
		long wait = left > 0 ? (long)(left < 60000 ? left : 60000) : 1000;
		if (next < 0 || wait < next)
			next = wait;
	}
	if (in->end_marker && !in->ending && !in->marker_rescan) {
		long long left = in->marker_ms + MARKER_POLL_MS - now;
		long wait = left > 0 ? (long)left : 0;
		if (next < 0 || wait < next)
			next = wait;
	}
	return next;
}

void
od_ingest_totals(const struct od_ingest *in, struct od_ingest_totals *t)
{
	memset(t, 0, sizeof(*t));
	t->files = in->n_files;
	t->pending = in->count[F_PENDING];
	t->queued = in->count[F_QUEUED];
	t->sending = in->count[F_SENDING];
	t->sent = in->count[F_SENT];
	t->failed = in->count[F_FAILED];
	t->bytes_sent = in->bytes_sent;
	t->paused = in->paused;
	t->ending = in->ending != NULL;
	t->ended = in->ended;
}

void
od_ingest_free(struct od_ingest *in)
{
	if (!in)
		return;
	if (in->upload) {
		od_upload_cancel(in->upload);
		od_upload_free(in->upload);
	}
	od_watch_free(in->watch);
	if (in->journal)
		od_journal_close(in->journal);
	for (size_t i = 0; i < in->n_files; i++) {
		free(in->files[i].path);
		cJSON_Delete(in->files[i].note);
	}
	free(in->files);
	free(in->slots);
	free(in->dest);
	free(in->source);
	free(in->end_marker);
	free(in->id);
	free(in->journal_path);
	free(in);
}

/* --- the sessions of this machine ----------------------------------------------------------- */

struct list_read {
	struct od_ingest_info *info;
	struct od_ingest files;	/* only its files, as replayed */
	int64_t last;
};

static char *
header_str(const cJSON *h, const char *key)
{
	const char *v = od_json_get_str(h, key);

	return od_strdup(v ? v : "");
}

static int
list_record(const cJSON *rec, void *ud)
{
	struct list_read *r = ud;
	struct od_ingest_info *i = r->info;
	const char *ended = od_json_get_str(rec, "ended");
	int64_t t;

	if (od_json_is_integer(cJSON_GetObjectItemCaseSensitive(rec, "t"), &t) && t > r->last)
		r->last = t;
	if (!i->source && od_str_eq(od_json_get_str(rec, "kind"), "ingest")) {
		if (!(i->source = header_str(rec, "source")) || !(i->space = header_str(rec, "space")) ||
		    !(i->space_id = header_str(rec, "spaceId")) || !(i->dest = header_str(rec, "dest")) ||
		    !(i->zone = header_str(rec, "zone")))
			return -1;
		r->files.source = i->source;
		if (od_json_is_integer(cJSON_GetObjectItemCaseSensitive(rec, "created"), &t))
			i->created = t;
		return 0;
	}
	if (ended) {
		free(i->ended);
		return (i->ended = od_strdup(ended)) ? 0 : -1;
	}
	if (cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(rec, "opts"))) {
		i->has_opts = true;
		return od_ingest_opts_read(rec, &i->opts);
	}
	/* Noticed again after it ended: taken up again. */
	if (od_json_get_str(rec, "seen")) {
		free(i->ended);
		i->ended = NULL;
	}
	return replay_record(rec, &r->files);
}

/* The journal's size and time, to tell whether it changed since read. */
static void
journal_stamp(const char *path, int64_t *size, int64_t *mtime_ns)
{
	struct stat st;

	*size = *mtime_ns = -1;
	if (stat(path, &st) == 0) {
		*size = (int64_t)st.st_size;
		*mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	}
}

static struct od_error *
load_info(const char *dir, const char *id, struct od_ingest_info *i)
{
	struct list_read r = { .info = i };
	struct od_error *err;
	size_t bad = 0;

	memset(i, 0, sizeof(*i));
	if (!(i->id = od_strdup(id)) || !(i->path = od_journal_path(dir, id))) {
		err = od_error_nomem();
	} else {
		/* Stamped before it is read: a record added meanwhile
		 * makes the next list read it again. */
		journal_stamp(i->path, &i->journal_size, &i->journal_mtime_ns);
		err = od_journal_read(i->path, list_record, &r, &bad);
	}
	if (!err && !i->source)
		err = od_error_new(OD_ERR_INPUT, _("%s is not the journal of an ingest session"), i->path);
	if (!err) {
		i->files = r.files.n_files - r.files.count[F_GONE];
		i->sent = r.files.count[F_SENT];
		i->failed = r.files.count[F_FAILED];
		i->waiting = r.files.count[F_PENDING];
		i->last = r.last;
		i->running = od_job_running(i->path);
	}
	for (size_t k = 0; k < r.files.n_files; k++) {
		free(r.files.files[k].path);
		cJSON_Delete(r.files.files[k].note);
	}
	free(r.files.files);
	free(r.files.slots);
	return err;
}

static void
info_done(struct od_ingest_info *i)
{
	free(i->id);
	free(i->path);
	free(i->source);
	free(i->space);
	free(i->space_id);
	free(i->dest);
	free(i->zone);
	free(i->ended);
	od_ingest_opts_clear(&i->opts);
}

static int
by_created(const void *a, const void *b)
{
	const struct od_ingest_info *x = a, *y = b;

	return x->created < y->created ? -1 : x->created > y->created;
}

static bool
skipped(const char *id, const char *const *skip, size_t n_skip)
{
	for (size_t k = 0; k < n_skip; k++)
		if (strcmp(skip[k], id) == 0)
			return true;
	return false;
}

/* Whether old (n_old) has id with its journal as it was read; if so
 * the entry moves into *into (cleared in old). */
static bool
take_unchanged(struct od_ingest_info *old, size_t n_old, const char *id, const char *path,
	       struct od_ingest_info *into)
{
	int64_t size, mtime;

	for (size_t k = 0; k < n_old; k++) {
		if (!old[k].id || strcmp(old[k].id, id) != 0)
			continue;
		journal_stamp(path, &size, &mtime);
		if (size < 0 || size != old[k].journal_size || mtime != old[k].journal_mtime_ns)
			return false;
		*into = old[k];
		memset(&old[k], 0, sizeof(old[k]));
		/* Whether a process runs it is no part of the journal. */
		into->running = od_job_running(into->path);
		return true;
	}
	return false;
}

struct od_error *
od_ingest_list_update(struct od_ingest_info **v, size_t *n, const char *const *skip, size_t n_skip)
{
	struct od_ingest_info *old = *v, *now = NULL;
	size_t n_old = *n, n_now = 0, n_ids = 0;
	struct od_error *err;
	char *dir = NULL, **ids = NULL, *path;

	if (!(err = od_state_dir("ingest", &dir)))
		ids = od_job_list(dir, &n_ids);
	if (n_ids && !(now = calloc(n_ids, sizeof(*now))))
		err = od_error_nomem();
	for (size_t k = 0; !err && k < n_ids; k++) {
		struct od_error *e = NULL;
		if (skipped(ids[k], skip, n_skip))
			continue;
		if (!(path = od_journal_path(dir, ids[k]))) {
			err = od_error_nomem();
			break;
		}
		if (!take_unchanged(old, n_old, ids[k], path, &now[n_now]) &&
		    (e = load_info(dir, ids[k], &now[n_now]))) {
			/* One unreadable journal does not hide the others. */
			od_log(OD_LOG_WARN, "%s", e->message);
			info_done(&now[n_now]);
			od_error_free(e);
		} else {
			n_now++;
		}
		free(path);
	}
	for (size_t k = 0; k < n_ids; k++)
		free(ids[k]);
	free(ids);
	free(dir);
	od_ingest_list_free(old, n_old);
	if (err) {
		od_ingest_list_free(now, n_now);
		now = NULL;
		n_now = 0;
	} else if (n_now > 1) {
		qsort(now, n_now, sizeof(*now), by_created);
	}
	*v = now;
	*n = n_now;
	return err;
}

struct od_error *
od_ingest_list(struct od_ingest_info **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	return od_ingest_list_update(out, n, NULL, 0);
}

void
od_ingest_list_free(struct od_ingest_info *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		info_done(&v[i]);
	free(v);
}
