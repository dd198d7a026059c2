/* SPDX-License-Identifier: GPL-3.0-or-later */
/* request.h: every action of the full-screen interface, once. The
 * dispatcher, the key bindings, the help and the key-hint line all read
 * this table. */
#ifndef ONETUI_TUI_REQUEST_H
#define ONETUI_TUI_REQUEST_H

#include <curses.h>

#include "onetui/i18n.h"

/* REQ_GROUP(title) starts a group in the help; REQ_(ID, "config-name",
 * help text, short hint for the key-hint line or NULL). */
#define REQ_INFO(REQ_GROUP, REQ_) \
	REQ_GROUP(N_("Moving")) \
	REQ_(MOVE_UP, "move-up", N_("move up one line"), NULL) \
	REQ_(MOVE_DOWN, "move-down", N_("move down one line"), NULL) \
	REQ_(PAGE_UP, "page-up", N_("move up one screen"), NULL) \
	REQ_(PAGE_DOWN, "page-down", N_("move down one screen"), NULL) \
	REQ_(MOVE_FIRST, "move-first", N_("go to the first line"), NULL) \
	REQ_(MOVE_LAST, "move-last", N_("go to the last line"), NULL) \
	REQ_GROUP(N_("Tree")) \
	REQ_(OPEN, "open", N_("expand a space or directory (again: collapse)"), N_("Open")) \
	REQ_(CLOSE, "close", N_("collapse, or go to the parent"), NULL) \
	REQ_(MARK, "mark", N_("mark or unmark the item for a later fetch"), N_("Mark")) \
	REQ_(FILTER, "filter", N_("filter the current directory as you type"), N_("Filter")) \
	REQ_(NEXT_MATCH, "next-match", N_("go to the next name matching the filter"), NULL) \
	REQ_(PREV_MATCH, "prev-match", N_("go to the previous name matching the filter"), NULL) \
	REQ_(SORT, "sort", N_("sort by name, size or modification time"), N_("Sort")) \
	REQ_(DATASETS, "datasets", N_("show the space's datasets instead of its files, or back"), N_("Datasets")) \
	REQ_(REPLICATE, "replicate", N_("have Onedata replicate, evict or migrate it, or set its QoS"), \
	     NULL) \
	REQ_(DATASET_ACTIONS, "dataset-actions", \
	     N_("its dataset: establish, protect, detach, remove; archive it, list or recall archives"), NULL) \
	REQ_(REFRESH, "refresh", N_("load the item again; retry a transfer, run an ended one again"), NULL) \
	REQ_GROUP(N_("Marked items")) \
	REQ_(VIEW_MARKS, "view-marks", N_("view the marked items in $PAGER"), NULL) \
	REQ_(EDIT_MARKS, "edit-marks", N_("edit the marked paths in $EDITOR: delete a line to unmark it"), NULL) \
	REQ_(EXPORT_MARKS, "export-marks", N_("write the marked paths to a file"), NULL) \
	REQ_(CLEAR_MARKS, "clear-marks", N_("unmark everything"), NULL) \
	REQ_GROUP(N_("Transfers")) \
	REQ_(FETCH, "fetch", N_("fetch the marked items into a local folder"), N_("Fetch")) \
	REQ_(SEND, "send", N_("send a local file or folder into the selected folder"), NULL) \
	REQ_(TRANSFER_PAUSE, "pause-transfer", N_("pause the selected transfer, or go on with it"), NULL) \
	REQ_(TRANSFER_PAUSE_ALL, "pause-all-transfers", N_("pause every running transfer, or go on with all of them"), \
	     NULL) \
	REQ_(TRANSFER_CANCEL, "cancel-transfer", N_("cancel the selected transfer (deleting its partial files)"), NULL) \
	REQ_(TRANSFER_CANCEL_ALL, "cancel-all-transfers", N_("cancel every unfinished transfer, once you confirm"), \
	     NULL) \
	REQ_(TRANSFER_DETAILS, "transfer-details", N_("describe the selected transfer: its files, failures first"), NULL) \
	REQ_GROUP(N_("Metadata pane")) \
	REQ_(META_EDIT, "edit-metadata", N_("edit the attribute under the cursor, or the JSON or RDF in $EDITOR"), \
	     NULL) \
	REQ_(META_ADD, "add-metadata", N_("add an extended attribute (NAME=VALUE, or NAME:=NUMBER)"), NULL) \
	REQ_(META_DELETE, "delete-metadata", N_("remove the attribute under the cursor, or the whole JSON or RDF"), \
	     NULL) \
	REQ_(META_TEMPLATE, "apply-template", N_("fill a metadata template for the marked items, or the selected one"), \
	     NULL) \
	REQ_(META_BULK, "change-marked", N_("set an attribute, or merge JSON, on all the marked items"), NULL) \
	REQ_GROUP(N_("Shares & Tokens pane")) \
	REQ_(NEXT_LIST, "next-list", N_("move to the pane's other list, or back to the tree"), NULL) \
	REQ_(DETAILS, "details", N_("show the whole record of the share or token under the cursor"), NULL) \
	REQ_(SHARE_NEW, "new-share", N_("share the selected item: a public link anyone can read"), N_("Share")) \
	REQ_(SHARE_RENAME, "rename-share", N_("rename the share under the cursor"), NULL) \
	REQ_(SHARE_DESCRIBE, "describe-share", N_("edit the share's description (Markdown) in $EDITOR"), NULL) \
	REQ_(SHARE_DELETE, "delete-share", N_("delete the share under the cursor, once you confirm"), NULL) \
	REQ_(SHARE_COPY, "copy-link", N_("copy the share's public link to your clipboard (OSC 52)"), N_("Link")) \
	REQ_(SHARE_HANDLE, "register-handle", \
	     N_("register a handle (DOI/PID) for the share under the cursor, from a Dublin Core form"), NULL) \
	REQ_(HANDOUT, "handout", N_("hand the item out: its public link, and an invitation, as text for an e-mail"), \
	     NULL) \
	REQ_(TOKEN_NEW, "new-token", N_("make an access token: read-only for the item, Oneclient, or your own"), \
	     N_("Token")) \
	REQ_(INVITE_NEW, "new-invite", N_("make an invitation to the selected item's space"), NULL) \
	REQ_(TOKEN_EXAMINE, "examine-token", N_("say what a pasted token allows, without using it"), NULL) \
	REQ_(INVITE_CONSUME, "consume-invite", N_("accept an invitation a collaborator sent: you, or one of your groups, join"), NULL) \
	REQ_(TOKEN_REVOKE, "revoke-token", N_("revoke the token under the cursor, or un-revoke it"), NULL) \
	REQ_(TOKEN_DELETE, "delete-token", N_("delete the token under the cursor, once you confirm"), NULL) \
	REQ_GROUP(N_("Panes")) \
	REQ_(FOCUS_NEXT, "focus-next", N_("move the focus between the tree and the pane"), N_("Pane")) \
	REQ_(PANE_INFO, "pane-info", N_("show the Info pane"), NULL) \
	REQ_(PANE_METADATA, "pane-metadata", N_("show the Metadata pane"), NULL) \
	REQ_(PANE_SHARES, "pane-shares", N_("show the Shares & Tokens pane"), NULL) \
	REQ_(PANE_TRANSFERS, "pane-transfers", N_("show the Transfers pane"), NULL) \
	REQ_GROUP(N_("General")) \
	REQ_(COPY, "copy", N_("copy the path or file id to your clipboard (OSC 52)"), N_("Copy")) \
	REQ_(HELP, "help", N_("show this help"), N_("Help")) \
	REQ_(REDRAW, "redraw", N_("redraw the screen"), NULL) \
	REQ_(QUIT, "quit", N_("quit onetui"), N_("Quit")) \
	REQ_GROUP(N_("Audit view")) \
	REQ_(AUDIT, "audit", N_("review every share, named token and space member, risks flagged (Audit view)"), NULL) \
	REQ_(AUDIT_CLOSE, "close-audit", N_("leave the Audit view"), N_("Back")) \
	REQ_(AUDIT_NEXT, "next-section", N_("show the Audit view's next section"), N_("Section")) \
	REQ_(AUDIT_SHARES, "audit-shares", N_("show the shares"), NULL) \
	REQ_(AUDIT_TOKENS, "audit-tokens", N_("show your named tokens"), NULL) \
	REQ_(AUDIT_MEMBERS, "audit-members", N_("show the members of every space"), NULL) \
	REQ_(AUDIT_LOG, "audit-log", N_("show onetui's log of the access changes it made"), NULL) \
	REQ_(AUDIT_PROBLEMS, "audit-problems", N_("show what could not be read"), NULL) \
	REQ_(AUDIT_FILTER, "audit-filter", N_("show only the entries containing a text (in any column)"), N_("Filter")) \
	REQ_(AUDIT_RISKY, "risky-only", N_("show only the risky entries, or all of them again"), N_("Risky")) \
	REQ_(AUDIT_SORT, "audit-sort", N_("sort by name, space, creation time (newest first) or risk"), N_("Sort")) \
	REQ_(AUDIT_DETAILS, "audit-details", N_("show the whole entry: caveats in words, privileges"), N_("Details")) \
	REQ_(AUDIT_REVOKE, "audit-revoke", N_("revoke the token under the cursor, or un-revoke it, once you confirm"), \
	     N_("Revoke")) \
	REQ_(AUDIT_DELETE, "audit-delete", \
	     N_("delete the token or share, or remove the direct member, once you confirm"), N_("Delete")) \
	REQ_(AUDIT_EXPORT, "audit-export", N_("write the whole audit to a new .csv or .json file"), N_("Write")) \
	REQ_GROUP(N_("Space view")) \
	REQ_(SPACE, "space", N_("the selected space: its providers, its members and their privileges (Space view)"), \
	     N_("Space")) \
	REQ_(SPACE_CLOSE, "close-space", N_("leave the Space view"), N_("Back")) \
	REQ_(SPACE_DETAILS, "member-details", N_("show every privilege of the member, direct and effective"), \
	     N_("Details")) \
	REQ_(SPACE_PRESET, "member-preset", N_("give a direct member the privileges of a preset: viewer, contributor, manager"), \
	     N_("Preset")) \
	REQ_(SPACE_PRIVILEGES, "edit-privileges", N_("tick a direct member's privileges one by one"), N_("Edit")) \
	REQ_(SPACE_ADD_GROUP, "add-group", N_("add one of your groups to the space"), N_("Add group")) \
	REQ_(SPACE_REMOVE, "remove-member", N_("remove a direct member from the space, once you confirm"), N_("Remove")) \
	REQ_(SPACE_EFFECTIVE, "effective-members", N_("list the members through groups too, or the direct ones only"), \
	     NULL) \
	REQ_(SPACE_RENAME, "rename-space", N_("rename the space"), N_("Rename")) \
	REQ_(SPACE_NEW, "new-space", N_("create a space, and a group for its members if you like"), N_("New")) \
	REQ_(SPACE_SUPPORT, "support-token", N_("make a token for a provider's admin to support the space"), \
	     N_("Support")) \
	REQ_GROUP(N_("Ingest view")) \
	REQ_(INGEST, "ingest", N_("carry folders an instrument writes into spaces, and follow the sessions (Ingest view)"), \
	     NULL) \
	REQ_(INGEST_CLOSE, "close-ingest", N_("leave the Ingest view (its sessions go on)"), N_("Back")) \
	REQ_(INGEST_NEW, "new-ingest", N_("watch a folder, or send a finished one, into a space: a new session"), \
	     N_("New")) \
	REQ_(INGEST_END, "end-ingest", \
	     N_("end the session once what is complete is sent (here, or in the process that runs it)"), N_("End")) \
	REQ_(INGEST_STOP, "stop-ingest", N_("stop the session here: its journal keeps the rest for the next run"), \
	     N_("Stop")) \
	REQ_(INGEST_TAKE_UP, "take-up-ingest", N_("take a stopped session up here"), N_("Take up")) \
	REQ_(INGEST_DETAILS, "ingest-details", N_("show all the session did here: files sent, failures and why"), \
	     N_("Details")) \
	REQ_(INGEST_CLEAR, "clear-ended", N_("take the sessions that ended here off the list"), NULL)

#define REQ_ENUM_GROUP(title)
#define REQ_ENUM(id, name, help, hint) REQ_##id,
enum request {
	REQ_NONE = KEY_MAX + 1,	/* never a curses key code */
	REQ_INFO(REQ_ENUM_GROUP, REQ_ENUM)
	REQ_COUNT
};
#undef REQ_ENUM_GROUP
#undef REQ_ENUM

struct request_info {
	enum request req;	/* REQ_NONE for a group title */
	const char *name;	/* as in the configuration */
	const char *help;	/* N_(), or the group title */
	const char *hint;	/* N_() word for the key-hint line, or NULL */
};

/* The table in order, groups included; n receives its length. */
const struct request_info *request_table(size_t *n);
/* The request a configuration name stands for, or REQ_NONE. */
enum request request_by_name(const char *name);
const struct request_info *request_info(enum request req);
/* The moving requests on a list of n lines of which height show at a
 * time: *cursor moves; false (and no move) for any other request. */
bool request_move(enum request req, size_t *cursor, size_t n, int height);

#endif
