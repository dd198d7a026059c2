/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tui.h: what the parts of the full-screen interface share. */
#ifndef ONETUI_TUI_TUI_H
#define ONETUI_TUI_TUI_H

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#include "onetui/compiler.h"
#include "onetui/meta.h"
#include "onetui/session.h"
#include "onetui/tree.h"
#include "tui/draw.h"
#include "tui/keymap.h"
#include "tui/request.h"

enum focus {
	FOCUS_TREE,
	FOCUS_PANE,
};

enum pane {
	PANE_INFO,
	PANE_METADATA,
	PANE_SHARES,
	PANE_TRANSFERS,
	PANE_COUNT,
};

struct app;
/* What app_spawn calls when its program ends. */
typedef void app_child_fn(struct app *a, int status, void *ud);

struct app {
	struct od_session s;
	struct od_tree *tree;
	const char *profile;		/* for the status line */
	char *user;			/* "Alice Kowalczyk", or the user id */
	bool spaces_loaded;		/* or, for a public share, its record */
	bool spaces_failed;
	/* Opened on a share's public link: read-only, without a token; the
	 * tree holds that share alone. */
	const char *share_id;
	char *share_link;		/* "https://ZONE/share/ID" */
	char *share_name;		/* the share's own name, once known */
	char *share_root_id;		/* its root file, once known */

	int rows, cols;
	enum focus focus;
	enum pane pane;
	bool dirty;			/* something to redraw */
	bool quit;

	char *message;			/* the result of the last key: shown until the next */
	bool message_is_error;
	char *last_error;		/* kept at the end of the status line */

	/* A program that has the terminal (app_spawn), or 0. */
	pid_t child;
	char *child_prog;
	const char *child_var;
	app_child_fn *child_done;
	void *child_ud;

	unsigned long keys_handled;	/* for the screen tests' idle file */
	unsigned long draws;		/* full redraws, for the same file */
	unsigned long resizes;
};

/* app.c */
/* The full-screen interface; an exit status. */
/* share_id: open that public share (ov then names its zone, without a
 * token) instead of the spaces of the user's token. */
int tui_main(const char *config_path, const struct od_overrides *ov, int verbose, const char *share_id);
void app_message(struct app *a, const char *fmt, ...) OD_PRINTF(2, 3);
void app_error(struct app *a, const char *fmt, ...) OD_PRINTF(2, 3);
/* Ask for a redraw before the next wait. */
void app_dirty(struct app *a);
/* Give the terminal to prog (an editor, a pager) with the n args; var
 * names the variable that chooses it, for the message when it cannot
 * run. The loop goes on meanwhile (transfers continue) without drawing
 * or reading keys; done gets its exit status (127 or -1: it could not
 * run, which is already said). False when it was not started (done is
 * then not called). */
bool app_spawn(struct app *a, const char *var, const char *prog, const char *const *args, size_t n,
	       app_child_fn *done, void *ud);

/* view-tree.c: the tree of spaces, directories and files. */
void tree_view_init(struct app *a);
void tree_view_done(void);
void tree_view_spaces_loaded(struct app *a);
/* Read the token's spaces again (one was joined, made or renamed): the
 * tree shows them once read. */
void tree_view_reload_spaces(struct app *a);
/* Handle a request; false when it is not the tree's. */
bool tree_view_request(struct app *a, enum request req);
void tree_view_draw(struct app *a, int y, int x, int height, int width);
/* The selected node, and its space (NULL: none, or a row without a node). */
struct od_node *tree_view_selected(struct od_space **space);
/* "SPACE/dir/name" of a node (a dataset's: its root's); caller frees. */
char *tree_view_path(struct od_node *n);
/* "name", "size" or "time", for the status line. */
const char *tree_view_sort_name(void);
/* The marked items: count, total bytes, and how many have no known size. */
void tree_view_marks(size_t *count, int64_t *bytes, size_t *unknown);

/* view-info.c: the Info pane. */
void info_view_init(struct app *a);
void info_view_done(void);
/* The tree's selection changed: load what the pane shows of it. */
void info_view_select(struct app *a, struct od_node *n, struct od_space *s);
void info_view_draw(struct app *a, int y, int x, int height, int width);
/* Called every turn of the loop: starts loading once the selection has
 * settled; the milliseconds until it wants to be called again, or -1. */
long info_view_tick(struct app *a);
bool info_view_request(struct app *a, enum request req);

/* view-meta.c: the Metadata pane. */
void meta_view_init(struct app *a);
void meta_view_done(void);
void meta_view_select(struct app *a, struct od_node *n, struct od_space *s);
void meta_view_draw(struct app *a, int y, int x, int height, int width);
/* Starts loading once the selection has settled and the pane is shown;
 * the milliseconds until it wants to be called again, or -1. */
long meta_view_tick(struct app *a);
bool meta_view_request(struct app *a, enum request req);

/* view-meta.c: a change to file_id's metadata was made: show it again. */
void meta_view_changed(const char *file_id);

/* meta-change.c: changing an item's metadata from the Metadata pane. */
struct meta_item {
	struct od_space *space;
	const char *file_id, *path;
	/* What the pane shows of the item's own metadata, by od_meta_kind:
	 * the xattrs object, the JSON document, the RDF text (NULL: none). */
	const char *text[3];
	size_t len[3];
};
/* Ask for a new value of the extended attribute value (value->string
 * names it; inherited: set on a folder above, not on the item). */
void meta_change_xattr(struct app *a, const struct meta_item *it, const cJSON *value, bool inherited);
/* Ask for NAME=VALUE and set it. */
void meta_change_add(struct app *a, const struct meta_item *it);
/* Remove the extended attribute key, or the whole document of kind, once
 * the user confirms. */
void meta_change_remove(struct app *a, const struct meta_item *it, enum od_meta_kind kind, const char *key);
/* Edit the JSON or RDF in the user's editor. */
void meta_change_document(struct app *a, const struct meta_item *it, enum od_meta_kind kind);

/* meta-bulk.c: one change for the marked items. */
/* Ask for NAME=VALUE or a JSON object to merge, for the marked items. */
void meta_bulk_ask(struct app *a);
/* Fill a template of the configuration for the marked items, or item
 * when none is marked. */
void meta_bulk_template(struct app *a, const struct meta_item *item);
/* Drop a change under way (the interface ends). */
void meta_bulk_done(void);

/* template-form.c: a metadata template of the configuration, filled one
 * prompt a field. */
enum template_outcome {
	TEMPLATE_FILLED,	/* xattrs: what the template gives */
	TEMPLATE_CANCELLED,
	TEMPLATE_FAILED,	/* the form could not be filled (said) */
};
/* t: the template (NULL before one was chosen); xattrs: valid during the
 * call. */
typedef void template_form_fn(struct app *a, enum template_outcome how, const struct od_template *t,
			      const cJSON *xattrs, void *ud);
/* Fill t; own (own_len bytes, may be NULL) holds the item's attributes,
 * offered as the first answers. */
void template_form(struct app *a, const struct od_template *t, const char *own, size_t own_len, template_form_fn *done,
		   void *ud);
/* Choose one of the configuration's templates (it must have some), then
 * fill it. */
void template_choose(struct app *a, const char *title, const char *own, size_t own_len, template_form_fn *done,
		     void *ud);

/* view-shares.c: the Shares & Tokens pane. */
void shares_view_init(struct app *a);
void shares_view_done(void);
void shares_view_select(struct app *a, struct od_node *n, struct od_space *s);
void shares_view_draw(struct app *a, int y, int x, int height, int width);
/* Starts loading once the selection has settled and the pane is shown;
 * the milliseconds until it wants to be called again, or -1. */
long shares_view_tick(struct app *a);
bool shares_view_request(struct app *a, enum request req);
/* The item the pane shows the shares of: its space, *path_in_space
 * ("" for the space itself) and *path as the tree shows it; NULL when
 * nothing that can be shared is selected. */
struct od_space *shares_view_item(const char **path_in_space, const char **path);
/* The file whose shares are listed, once known (else NULL). */
const char *shares_view_file_id(void);
/* A share of file_id was made or changed: list them again, the cursor on
 * select_id (may be NULL). */
void shares_view_changed(const char *file_id, const char *select_id);

/* share-handout.c: H, the selected item handed out as text for an e-mail. */
void handout_start(struct app *a);
/* The same for the folder at path inside space s ("SPACE/path" shown). */
void handout_start_path(struct app *a, struct od_space *s, const char *path, const char *shown);
void handout_done(void);

/* share-handle.c: K, a handle (DOI/PID) registered for a share through
 * one of the user's handle services, with Dublin Core metadata from a
 * form. */
struct share_ref {
	const char *file_id;	/* the item the share publishes */
	const char *id, *name;
	const char *description, *handle_id;	/* may be NULL */
};
void share_handle_start(struct app *a, const struct share_ref *sh);
/* Drop what is under way, and the form kept (the interface ends). */
void share_handle_done(void);

/* tokens.c: the pane's list of the user's named tokens, and making,
 * examining, consuming, revoking and deleting tokens. */
void tokens_init(struct app *a);
void tokens_done(void);
/* While the pane is shown: read the tokens the first time. */
void tokens_tick(struct app *a);
/* How many lines the list would like. */
size_t tokens_lines(void);
void tokens_draw(struct app *a, int y, int x, int height, int width, bool focus);
/* Put the cursor on the first token; whether it is there already. */
void tokens_cursor_home(void);
bool tokens_at_first(void);
/* focused: the cursor is in the tokens list (else only the keys that
 * need no token under it act). */
bool tokens_request(struct app *a, enum request req, bool focused);
/* Ask which token onetui is signed in with, unless that is known or
 * being asked: the list marks it, and revoking or deleting it warns. */
void tokens_learn_own(struct app *a);
/* question (taken), after a plain warning when id is the token onetui is
 * signed in with; caller frees. */
char *tokens_warn_own(struct app *a, const char *id, char *question);

/* panes.c: the tab bar, the pane area, and panes still to come. */
void panes_draw(struct app *a, int y, int x, int height, int width);
bool panes_request(struct app *a, enum request req);
/* The tree's selection changed: tell the panes that describe it. */
void panes_select(struct app *a, struct od_node *n, struct od_space *s);

/* transfers.c: the Transfers pane and the jobs it runs. */
void transfers_init(struct app *a);
/* The spaces are known: take up the jobs an earlier run left. */
void transfers_spaces_loaded(struct app *a);
/* Stop the running jobs where they are (they go on next time) and free. */
void transfers_done(void);
size_t transfers_running(void);
/* Whether there is any job (so tree rows need to ask for their glyph). */
bool transfers_any(void);
/* Every turn of the loop; the milliseconds until it wants another, or -1. */
long transfers_tick(struct app *a);
void transfers_draw(struct app *a, int y, int x, int height, int width);
bool transfers_request(struct app *a, enum request req);
/* Ask where to, then fetch the marked items as a new job. */
void transfers_fetch(struct app *a);
/* Ask for a local file or folder, then send it into the selected folder
 * (or the selected file's) as a new upload job. */
void transfers_send(struct app *a);
/* Pause every running job; when none runs, go on with every paused or
 * stopped one. */
void transfers_pause_all(struct app *a);
/* Cancel every unfinished job, once the user confirms. */
void transfers_cancel_all(struct app *a);
/* A glyph for a tree row whose item a job fetches ("SPACE/dir/name"),
 * and its colour; NULL for none. */
const char *transfers_glyph(const char *path, enum color *c);

/* replicate.c: R, having Onedata replicate, evict or migrate the
 * selected item, or keep its replicas where a QoS expression says. */
void replicate_start(struct app *a);
/* Drop an action still being asked for (the interface ends). */
void replicate_done(void);

/* datasets.c: D, the selected item's dataset and its archives. */
void datasets_start(struct app *a);
/* Follows a recall; milliseconds until it wants another call, or -1. */
long datasets_tick(struct app *a);
/* Drop what is under way (the interface ends). */
void datasets_done(void);

/* odtransfers.c: Onedata's transfers between providers, in the same pane
 * after the local jobs; listed and read while the pane is shown. */
void odtr_init(struct app *a);
void odtr_done(void);
/* Poll when due; milliseconds until the next poll, -1 when none. */
long odtr_tick(struct app *a);
/* The rows that can be shown (their order is fixed until the next call);
 * *cursor, an index among them, follows its row. */
size_t odtr_count(size_t *cursor);
void odtr_draw(size_t i, int y, int x, int width, bool cursor, bool focus);
bool odtr_request(struct app *a, size_t i, enum request req);
/* A transfer just started in space s: listed and read at once. */
void odtr_add(struct od_space *s, const char *tid);
/* Why some space's transfers could not be listed (and which), or NULL. */
const char *odtr_problem(const char **space);

/* widget.c: modal dialogs drawn over everything. */
typedef void prompt_fn(struct app *a, const char *text, void *ud);	/* text NULL: cancelled */
typedef void confirm_fn(struct app *a, bool yes, void *ud);
typedef void choose_fn(struct app *a, int choice, void *ud);		/* -1: cancelled */
typedef void checklist_fn(struct app *a, const bool *checked, void *ud);	/* NULL: cancelled */
/* A one-line text field; changed (may be NULL) hears every edit. */
void widget_prompt(struct app *a, const char *label, const char *initial, prompt_fn *done, prompt_fn *changed,
		   void *ud);
/* A prompt for a local path: Tab completes it from the file system. */
void widget_prompt_path(struct app *a, const char *label, const char *initial, prompt_fn *done, void *ud);
/* A prompt for a secret (a pasted token): only its ends, masked as
 * tokens are, and its length are drawn; the text is wiped after. */
void widget_prompt_secret(struct app *a, const char *label, prompt_fn *done, void *ud);
void widget_confirm(struct app *a, const char *question, confirm_fn *done, void *ud);
void widget_choose(struct app *a, const char *title, const char *const *items, size_t n, choose_fn *done, void *ud);
/* The same, the cursor on item selected. */
void widget_choose_at(struct app *a, const char *title, const char *const *items, size_t n, size_t selected,
		      choose_fn *done, void *ud);
/* A list of n items, each ticked or not (checked: where they start);
 * Space ticks, Enter gives what is ticked (valid during the call). */
void widget_checklist(struct app *a, const char *title, const char *const *items, const bool *checked, size_t n,
		      checklist_fn *done, void *ud);
/* A read-only text of several lines, scrollable; remote text is sanitised. */
void widget_popup(struct app *a, const char *title, const char *text);
/* The only showing of a secret (a new token): text says what it allows,
 * then the secret in full; c copies it (OSC 52), w saves it in a new
 * 0600 file, and closing before either asks first. The copy the popup
 * keeps is wiped when it closes. what names it in messages ("token"). */
void widget_secret(struct app *a, const char *title, const char *text, const char *what, const char *secret);
bool widget_active(void);
/* Give a key to the open dialog; false when there is none. */
bool widget_key(struct app *a, int key);
void widget_draw(struct app *a);
void widget_close_all(void);

/* clip.c: the user's clipboard through the terminal (OSC 52). */
void clip_copy(struct app *a, const char *what, const char *value);

/* app.c: the keymap of what has the focus. */
enum keymap_id app_keymap(const struct app *a);

/* audit.c: the Audit view (W), over the tree and the panes: every share,
 * named token and space member the user can see, and onetui's own access
 * log; filtered, sorted, risks flagged; revoking and deleting from it. */
void audit_open(struct app *a);
bool audit_shown(void);
void audit_draw(struct app *a, int y, int x, int height, int width);
/* A request while the view is shown; false for the application's own
 * (help, redraw, quit). */
bool audit_request(struct app *a, enum request req);
/* Drop the report and what is being read (the interface ends). */
void audit_done(void);

/* space-view.c: M, the Space view, over the tree and the panes: the
 * selected space's providers and sizes, its members with their
 * privileges; privileges set by preset or one by one, groups added,
 * members removed, the space renamed, a new space made, a support token
 * made for a provider's admin. */
void space_view_open(struct app *a);
bool space_view_shown(void);
void space_view_draw(struct app *a, int y, int x, int height, int width);
/* A request while the view is shown; false for the application's own
 * (help, redraw, quit). */
bool space_view_request(struct app *a, enum request req);
/* Drop what is read and being changed (the interface ends). */
void space_view_done(void);

/* ingest-view.c: I, the Ingest view, over the tree and the panes: the
 * acquisition sessions this interface runs, and the others of this
 * machine (ingest.h). The sessions run while the view is closed. */
struct od_ingest_info;
struct od_ingest_opts;
struct od_waitfd;
void ingest_open(struct app *a);
bool ingest_shown(void);
void ingest_draw(struct app *a, int y, int x, int height, int width);
/* A request while the view is shown; false for the application's own. */
bool ingest_request(struct app *a, enum request req);
/* The watches the loop waits on (at most max), and every turn of the
 * loop: the sessions run; milliseconds until the next call, or -1. */
size_t ingest_fds(struct od_waitfd *fds, size_t max);
long ingest_tick(struct app *a);
/* How many sessions run here. */
size_t ingest_running(void);
/* Stop the sessions where they are (their journals keep the rest) and
 * free. */
void ingest_done(void);
/* A session to start, its destination made ready. */
struct ingest_start {
	const char *source;		/* the local folder, absolute */
	struct od_space *space;
	const char *dest;		/* the folder inside the space */
	const struct od_ingest_opts *opts;
	unsigned protect;		/* OD_PROTECT_* set on its dataset once it ends */
	const char *file_id, *dataset_id;	/* the destination's, when known */
};
void ingest_add(struct app *a, const struct ingest_start *st);

/* ingest-new.c: the questions that set a session up (n), or take a
 * stopped one up again (r). */
void ingest_new(struct app *a);
void ingest_take_up(struct app *a, const struct od_ingest_info *info);
/* Drop what is being set up (the interface ends). */
void ingest_new_done(void);

/* help.c */
void help_show(struct app *a);
/* The key-hint line, for the focused keymap. */
void help_draw_hints(struct app *a, int y, int width);

#endif
