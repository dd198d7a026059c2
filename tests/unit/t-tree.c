/* SPDX-License-Identifier: GPL-3.0-or-later */
/* t-tree.c: the tree cache without a network: ids, pages, lookups, the
 * memory limit and what the listener hears. */
#include "config.h"

/* Internals of the core, visible in its unit-test build. */
#define OD_UNITTEST 1

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onetui/fileinfo.h"
#include "onetui/tree.h"
#include "tap.h"

/* A file id shaped like Onedata's: long upper-case hex. */
static char *
make_id(const char *prefix, unsigned i)
{
	char raw[64], *id;
	int n = snprintf(raw, sizeof(raw), "guid#%s-%08u#space0123456789abcdef", prefix, i);

	id = malloc((size_t)n * 2 + 11);
	strcpy(id, "0000000000");
	for (int k = 0; k < n; k++)
		sprintf(id + 10 + 2 * k, "%02X", (unsigned char)raw[k]);
	return id;
}

struct page {
	struct od_attrs *v;
	char **ids, **names;
	size_t n;
};

static void
page_make(struct page *p, const char *prefix, unsigned first, size_t n, enum od_file_type type)
{
	p->n = n;
	p->v = calloc(n, sizeof(*p->v));
	p->ids = calloc(n, sizeof(char *));
	p->names = calloc(n, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		p->ids[i] = make_id(prefix, first + (unsigned)i);
		p->names[i] = malloc(64);
		snprintf(p->names[i], 64, "%s_%06u.tiff", prefix, first + (unsigned)i);
		p->v[i].have = OD_ATTRS_LISTING;
		p->v[i].file_id = p->ids[i];
		p->v[i].name = p->names[i];
		p->v[i].type = type;
		p->v[i].size = 1000 + (int64_t)i;
		p->v[i].mtime = 1762000000 + (int64_t)i;
		p->v[i].mode = 0664;
	}
}

static void
page_free(struct page *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->ids[i]);
		free(p->names[i]);
	}
	free(p->ids);
	free(p->names);
	free(p->v);
}

struct heard {
	int pages, dropped, finished;
	struct od_node *last;
};

static void
listener(struct od_tree *t, struct od_node *dir, enum od_tree_event ev, void *ud)
{
	struct heard *h = ud;

	h->last = dir;
	if (ev == OD_TREE_PAGE)
		h->pages++;
	else if (ev == OD_TREE_DROPPED)
		h->dropped++;
	else
		h->finished++;
}

static void
test_ids(void)
{
	char sid[] = "b3a1f0c2d4e5f60718293a4b5c6d7e8fch1a2b3c", sname[] = "Krios-2025-11 Session Data";
	struct od_space sp = { .id = sid, .name = sname };
	struct od_tree *t = od_tree_new(NULL, 0);
	struct od_node *root = od_tree_space_root(t, &sp), *n;
	const char *odd[] = { "ABC", "abcdef", "AbCd", "not-hex-at-all", "00", "0123456789ABCDEF" };
	struct od_attrs v[6] = { 0 };
	char *id;

	ok(root != NULL, "space root created");
	ok(od_tree_space_root(t, &sp) == root, "the same space gives the same root");
	is(od_node_name(root), sp.name, "root named after the space");
	id = od_node_id(root);
	is(id, sp.id, "root id is the space id (raw: mixed characters)");
	free(id);
	ok(od_node_type(root) == OD_FILE_DIR, "root is a directory");
	ok(od_node_space(t, root) == &sp, "root knows its space");

	for (size_t i = 0; i < 6; i++) {
		v[i].file_id = odd[i];
		v[i].name = odd[i];
		v[i].have = OD_ATTR_FILE_ID | OD_ATTR_NAME | OD_ATTR_TYPE;
		v[i].type = i == 0 ? OD_FILE_DIR : OD_FILE_REG;
	}
	ok(od_tree_receive_page(t, root, v, 6), "page of odd ids accepted");
	for (size_t i = 0; i < 6; i++) {
		n = od_tree_find(t, odd[i]);
		ok(n && strcmp(od_node_name(n), odd[i]) == 0, "found id '%s'", odd[i]);
		id = n ? od_node_id(n) : NULL;
		is(id, odd[i], "id '%s' comes back exactly", odd[i]);
		free(id);
		ok(n && od_node_parent(n) == root, "parent of '%s' is the root", odd[i]);
		ok(n && od_node_space(t, n) == &sp, "'%s' knows its space", odd[i]);
	}
	ok(od_tree_find(t, "abc") == NULL, "lower-case spelling of an upper-case id is another id");
	ok(od_tree_find(t, "ABCDEF") == NULL, "upper-case spelling of a lower-case id is another id");
	ok(od_tree_find(t, "") == NULL, "empty id finds nothing");
	od_tree_free(t);
}

static void
test_pages(void)
{
	char sid[] = "space1", sname[] = "S";
	struct od_space sp = { .id = sid, .name = sname };
	struct od_tree *t = od_tree_new(NULL, 0);
	struct od_node *root = od_tree_space_root(t, &sp);
	struct heard h = { 0 };
	struct page p1, p2, again;
	bool all = true;

	od_tree_set_listener(t, listener, &h);
	page_make(&p1, "FoilHole", 0, 1000, OD_FILE_REG);
	page_make(&p2, "FoilHole", 1000, 500, OD_FILE_REG);
	ok(od_tree_receive_page(t, root, p1.v, p1.n), "first page taken");
	ok(od_tree_receive_page(t, root, p2.v, p2.n), "second page taken");
	cmp_ok(h.pages, "==", 2, "listener heard two pages");
	ok(h.last == root, "about the root");
	cmp_ok(od_node_child_count(root), "==", 1500, "1500 children");
	cmp_ok(od_tree_node_count(t), "==", 1501, "1501 nodes with the root");
	for (size_t i = 0; i < 1500 && all; i++) {
		struct od_node *c = od_node_child(root, i);
		const char *want = i < 1000 ? p1.names[i] : p2.names[i - 1000];
		all = c && strcmp(od_node_name(c), want) == 0;
	}
	ok(all, "children in the order they arrived");
	{
		struct od_node *c = od_tree_find(t, p2.ids[7]);
		ok(c && od_node_size(c) == 1007, "size kept");
		ok(c && od_node_mtime(c) == 1762000007, "mtime kept");
		ok(c && od_node_mode(c) == 0664, "mode kept");
		ok(c && od_node_type(c) == OD_FILE_REG, "type kept");
	}
	ok(od_node_child(root, 1500) == NULL, "no child past the end");

	/* The same entries again, changed: updated in place, not doubled. */
	page_make(&again, "FoilHole", 0, 10, OD_FILE_REG);
	for (size_t i = 0; i < again.n; i++)
		again.v[i].size = 42;
	ok(od_tree_receive_page(t, root, again.v, again.n), "repeated page taken");
	cmp_ok(od_node_child_count(root), "==", 1500, "repeated entries not added twice");
	ok(od_node_size(od_tree_find(t, again.ids[3])) == 42, "repeated entry updated");

	ok(od_tree_refresh(t, root) == 0, "refresh of a collapsed directory");
	cmp_ok(od_node_child_count(root), "==", 0, "refresh dropped the children");
	cmp_ok(od_tree_node_count(t), "==", 1, "only the root is left");
	cmp_ok(h.dropped, "==", 1, "listener heard the drop");
	ok(od_tree_find(t, p1.ids[0]) == NULL, "dropped nodes are gone from the index");
	page_free(&p1);
	page_free(&p2);
	page_free(&again);
	od_tree_free(t);
}

static void
test_limit(void)
{
	char sid[] = "space2", sname[] = "Beamline";
	struct od_space sp = { .id = sid, .name = sname };
	struct od_tree *t = od_tree_new(NULL, 120);
	struct od_node *root = od_tree_space_root(t, &sp), *a, *b;
	struct heard h = { 0 };
	struct page dirs, pa, pb, big;

	od_tree_set_listener(t, listener, &h);
	page_make(&dirs, "run", 0, 2, OD_FILE_DIR);
	ok(od_tree_receive_page(t, root, dirs.v, 2), "two directories");
	a = od_tree_find(t, dirs.ids[0]);
	b = od_tree_find(t, dirs.ids[1]);
	page_make(&pa, "a", 0, 60, OD_FILE_REG);
	page_make(&pb, "b", 0, 60, OD_FILE_REG);
	ok(od_tree_receive_page(t, a, pa.v, pa.n), "60 entries in the first directory");
	od_tree_collapse(t, a);
	ok(od_tree_receive_page(t, b, pb.v, pb.n), "60 more fit after dropping the first, collapsed, directory");
	cmp_ok(od_node_child_count(a), "==", 0, "the collapsed directory lost its children");
	ok(od_node_load_state(a) == OD_LOAD_NONE, "and will load them again when asked");
	cmp_ok(h.dropped, "==", 1, "listener heard about it");
	cmp_ok(od_node_child_count(b), "==", 60, "the new directory has its entries");
	ok(od_tree_node_count(t) <= 120, "the limit holds (%zu nodes)", od_tree_node_count(t));
	ok(od_tree_find(t, pa.ids[0]) == NULL, "dropped entries left the index");

	/* Nothing left to drop: the page is refused and the reason kept. */
	page_make(&big, "c", 0, 100, OD_FILE_REG);
	ok(!od_tree_receive_page(t, b, big.v, big.n), "a page beyond the limit is refused");
	ok(od_node_error(b) != NULL, "with a reason on the directory");
	if (od_node_error(b))
		like(od_node_error(b)->message, "first 60 entries", "the reason says how many are shown");
	cmp_ok(od_node_child_count(b), "==", 60, "the directory keeps what it had");
	page_free(&dirs);
	page_free(&pa);
	page_free(&pb);
	page_free(&big);
	od_tree_free(t);
}

/* A space's datasets: roots of their own, nodes that carry their root file. */
static void
test_datasets(void)
{
	char sid[] = "83611c67476b43f1afd511136f576d12", sname[] = "Krios-2025-11 Session Data";
	struct od_space sp = { .id = sid, .name = sname };
	struct od_tree *t = od_tree_new(NULL, 0);
	struct od_node *files = od_tree_space_root(t, &sp), *attached = od_tree_datasets_root(t, &sp, false);
	struct od_node *detached = od_tree_datasets_root(t, &sp, true), *n;
	struct od_dataset ds = {
		.id = "02c89d843d6a9fe77962ca08a76d237d", .state = "attached",
		.root_file_id = "0000000000465608677569642337333531", .root_path = "/Krios-2025-11 Session Data/Images-Disc1",
		.root_type = OD_FILE_DIR, .protection = OD_PROTECT_DATA | OD_PROTECT_METADATA, .created = 1763200800,
	};
	struct heard h = { 0 };
	char *id;

	ok(files && attached && detached && attached != files && detached != attached, "three roots for one space");
	ok(od_tree_datasets_root(t, &sp, false) == attached && od_tree_datasets_root(t, &sp, true) == detached,
	   "asked again, the same roots");
	ok(od_node_kind(files) == OD_NODE_FILE && od_node_kind(attached) == OD_NODE_DATASETS, "their kinds");
	ok(od_node_dataset_flags(detached) == OD_NODE_DETACHED && od_node_dataset_flags(attached) == 0,
	   "the detached root says so");
	ok(od_node_space(t, attached) == &sp && od_node_space(t, detached) == &sp, "they know their space");
	id = od_node_id(attached);
	is(id, "datasets:attached:83611c67476b43f1afd511136f576d12", "an id no file can have");
	free(id);
	ok(od_node_root_file_id(files) == NULL && od_node_root_path(attached) == NULL, "only datasets have a root");

	od_tree_set_listener(t, listener, &h);
	ok(od_tree_receive_dataset(t, attached, "Images-Disc1", &ds), "a dataset record taken");
	ok(h.pages == 1 && h.last == attached, "the listener hears of it");
	ok(od_tree_receive_dataset(t, attached, "Images-Disc1", &ds) && od_node_child_count(attached) == 1,
	   "the same dataset again (a listing started over) is not added twice");
	n = od_tree_find(t, ds.id);
	ok(n && od_node_parent(n) == attached && od_node_kind(n) == OD_NODE_DATASET, "found by its dataset id");
	is(n ? od_node_name(n) : NULL, "Images-Disc1", "named as the listing named it");
	is(n ? od_node_root_file_id(n) : NULL, ds.root_file_id, "its root file id");
	is(n ? od_node_root_path(n) : NULL, ds.root_path, "its root path");
	ok(n && od_node_type(n) == OD_FILE_DIR && od_node_mtime(n) == ds.created, "the root's type; created when");
	ok(n && od_node_dataset_flags(n) == (OD_PROTECT_DATA | OD_PROTECT_METADATA), "its own protection");
	ds.id = "7a9342564892ecfe77e6688e773c8361";
	ds.state = "detached";
	ds.root_path = NULL;
	ds.root_type = OD_FILE_REG;
	ds.protection = OD_PROTECT_DATA;
	ok(od_tree_receive_dataset(t, detached, "Atlas_1.mrc", &ds), "a detached dataset without a path");
	n = od_tree_find(t, ds.id);
	ok(n && od_node_dataset_flags(n) == (OD_PROTECT_DATA | OD_NODE_DETACHED), "detached and protected");
	is(n ? od_node_root_path(n) : NULL, "", "no path: empty");
	ok(n && od_node_type(n) == OD_FILE_REG, "a dataset on a file");
	od_tree_free(t);
}

/* A public share's root: no space, its share id, its own attributes. */
static void
test_share_root(void)
{
	char sid[] = "space1", sname[] = "S";
	struct od_space sp = { .id = sid, .name = sname };
	struct od_tree *t = od_tree_new(NULL, 0);
	char *root_id = make_id("shareroot", 1);
	struct od_attrs a = { .have = OD_ATTRS_LISTING, .file_id = root_id, .name = "r0034", .type = OD_FILE_DIR,
			      .size = -1, .mtime = 1748941920, .mode = 0775 };
	struct od_node *space_root = od_tree_space_root(t, &sp);
	struct od_node *root = od_tree_share_root(t, "d0cd4a97ch7794", &a), *n;
	struct page p;

	ok(root && root != space_root, "share root created beside a space's");
	ok(od_tree_share_root(t, "d0cd4a97ch7794", &a) == root, "the same share gives the same root");
	is(root ? od_node_name(root) : NULL, "r0034", "named after the shared directory");
	ok(root && od_tree_find(t, root_id) == root, "found by the share-scoped id");
	ok(root && od_node_space(t, root) == NULL, "in no space");
	is(root ? od_node_share_id(t, root) : NULL, "d0cd4a97ch7794", "knows its share");
	ok(root && od_node_mtime(root) == 1748941920 && od_node_mode(root) == 0775, "keeps its attributes");
	ok(od_node_share_id(t, space_root) == NULL, "a space's root is in no share");
	page_make(&p, "frame", 0, 3, OD_FILE_REG);
	ok(root && od_tree_receive_page(t, root, p.v, p.n), "a page below it taken");
	n = od_tree_find(t, p.ids[2]);
	is(n ? od_node_share_id(t, n) : NULL, "d0cd4a97ch7794", "what is below it is in the share too");
	ok(n && od_node_space(t, n) == NULL, "and in no space");
	page_free(&p);
	/* Without a zone, a statistics call would crash: none may start. */
	page_make(&p, "logs", 0, 1, OD_FILE_DIR);
	p.v[0].size = -1;
	ok(root && od_tree_receive_page(t, root, p.v, p.n), "a directory below it taken");
	n = od_tree_find(t, p.ids[0]);
	if (n)
		od_tree_want_size(t, n);
	ok(n && od_node_size(n) == -1, "its size is not asked of the directory statistics");
	page_free(&p);
	free(root_id);
	od_tree_free(t);
}

int
main(void)
{
	test_ids();
	test_pages();
	test_limit();
	test_datasets();
	test_share_root();
	return done_testing();
}
