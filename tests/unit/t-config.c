/* SPDX-License-Identifier: GPL-3.0-or-later */
/* t-config.c: unit tests for the configuration file and settings resolution. */
#include "config.h"

#include "onetui/config.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "onetui/metatext.h"
#include "onetui/str.h"

#include "tap.h"
#include "testutil.h"

/* The variables the code under test reads; saved, cleared and restored. */
static const char *const env_names[] = {
	"HOME", "XDG_CONFIG_HOME", "ONEDATA_ZONE", "ONEZONE_HOST", "ONETUI_PROFILE",
	"ONEPROVIDER_HOST", "ONECLIENT_PROVIDER_HOST", "ONETUI_CACERT",
};
/* Clear the settings variables (not HOME or XDG_CONFIG_HOME). */
static void
env_clear(void)
{
	for (size_t i = 2; i < OD_ARRAY_SIZE(env_names); i++)
		unsetenv(env_names[i]);
}

/* Write text to scratch_dir/name and return the path (caller frees). */
static char *
write_file(const char *name, const char *text)
{
	return scratch_write_str(name, text, 0644);
}

/* Load text written to a file; on success *cfg is set and NULL returned. */
static struct od_error *
load_text(const char *name, const char *text, struct od_config **cfg, char **path)
{
	*path = write_file(name, text);
	return od_config_load(*path, cfg);
}

static const char full_config[] =
	"# onetui configuration\n"				/* 1 */
	"default-profile = \"work\";\n"				/* 2 */
	"network = {\n"						/* 3 */
	"  connect-timeout = 15;\n"				/* 4 */
	"  stall-timeout = 60;\n"				/* 5 */
	"  retries = 3;\n"					/* 6 */
	"};\n"							/* 7 */
	"transfers = { jobs = 8; streams = 2; limit-rate = \"1.5M\"; };\n"	/* 8 */
	"profiles = {\n"					/* 9 */
	"  work = {\n"						/* 10 */
	"    zone = \"zone.example.org\";\n"			/* 11 */
	"    token-file = \"~/tokens/work\";\n"			/* 12 */
	"    ca-file = \"certs/ca.pem\";\n"			/* 13 */
	"    provider = \"op.example.org\";\n"			/* 14 */
	"    preferred-providers = [ \"op1.example.org\", \"op2.example.org\" ];\n" /* 15 */
	"  };\n"						/* 16 */
	"  test = {\n"						/* 17 */
	"    zone = \"https://test.example.org:8443\";\n"	/* 18 */
	"    token-file = \"/etc/onetui/test-token\";\n"	/* 19 */
	"    preferred-providers = ( );\n"			/* 20 */
	"  };\n"						/* 21 */
	"};\n";							/* 22 */

static void
test_ingest(void)
{
	struct od_config *cfg = NULL;
	struct od_error *err;
	char *path;

	err = load_text("ingest.conf", "ingest = {\n  temporary = [ \"*.tmp\", \"~$*\" ];\n  stable = \"2m\";\n"
			"  poll = \"500ms\";\n};\n", &cfg, &path);
	ok(!err && cfg->ingest_temporary_set && cfg->n_ingest_temporary == 2 &&
	   strcmp(cfg->ingest_temporary[1], "~$*") == 0 && cfg->ingest_stable_ms == 120000 &&
	   cfg->ingest_poll_ms == 500, "ingest: the temporary files and the times");
	od_config_free(cfg);
	od_error_free(err);
	free(path);
	err = load_text("ingest-empty.conf", "ingest = { temporary = [ ]; };\n", &cfg, &path);
	ok(!err && cfg->ingest_temporary_set && cfg->n_ingest_temporary == 0 && !cfg->ingest_stable_ms,
	   "ingest: an empty list leaves no file out; the times stay unset");
	od_config_free(cfg);
	od_error_free(err);
	free(path);
}

static void
test_full(void)
{
	struct od_config *cfg = NULL;
	struct od_error *err;
	const struct od_profile *work, *test;
	char *path, *want;

	setenv("HOME", "/home/tester", 1);
	err = load_text("full.conf", full_config, &cfg, &path);
	ok(!err && cfg, "full file: loads");
	if (err) {
		diag("%s", err->message);
		od_error_free(err);
		skip(20, "no configuration");
		free(path);
		return;
	}
	is(cfg->path, path, "full file: path recorded");
	is(cfg->default_profile, "work", "full file: default-profile");
	cmp_ok(cfg->n_profiles, "==", 2, "full file: two profiles");
	cmp_ok(cfg->connect_timeout_s, "==", 15, "full file: connect-timeout");
	cmp_ok(cfg->low_speed_time_s, "==", 60, "full file: stall-timeout");
	cmp_ok(cfg->retries, "==", 3, "full file: retries");
	ok(cfg->fetch_jobs == 8 && cfg->fetch_streams == 2 && cfg->fetch_max_speed == 1572864,
	   "full file: transfers (jobs, streams, limit-rate)");
	work = od_config_profile(cfg, "work");
	test = od_config_profile(cfg, "test");
	ok(work && test, "full file: both profiles found by name");
	ok(od_config_profile(cfg, "Work") == NULL, "full file: profile names are case-sensitive");
	ok(od_config_profile(cfg, NULL) == NULL && od_config_profile(NULL, "work") == NULL,
	   "od_config_profile: NULL name or config");
	if (!work || !test) {
		skip(11, "profiles missing");
		goto out;
	}
	is(work->name, "work", "work: name");
	is(work->zone, "zone.example.org", "work: zone");
	is(work->token_file, "/home/tester/tokens/work", "work: ~/ expanded with HOME");
	want = scratch_path("certs/ca.pem");
	is(work->ca_file, want, "work: relative ca-file resolved against the file's directory");
	free(want);
	is(work->provider, "op.example.org", "work: provider");
	ok(work->n_preferred == 2 && od_str_eq(work->preferred[0], "op1.example.org") &&
	   od_str_eq(work->preferred[1], "op2.example.org"),
	   "work: preferred-providers in order");
	is(test->zone, "https://test.example.org:8443", "test: zone");
	is(test->token_file, "/etc/onetui/test-token", "test: absolute token-file as it is");
	ok(test->ca_file == NULL && test->provider == NULL, "test: unset settings are NULL");
	cmp_ok(test->n_preferred, "==", 0, "test: empty preferred-providers list");
out:
	od_config_free(cfg);
	free(path);
}

static void
test_minimal(void)
{
	struct od_config *cfg = NULL;
	struct od_error *err;
	char *path;

	err = load_text("empty.conf", "", &cfg, &path);
	ok(!err && cfg && cfg->n_profiles == 0 && !cfg->default_profile,
	   "empty file: an empty configuration");
	ok(cfg && cfg->retries == -1 && cfg->connect_timeout_s == 0 && cfg->low_speed_time_s == 0,
	   "empty file: network settings unset (retries -1)");
	is(cfg ? cfg->path : NULL, path, "empty file: path recorded");
	od_error_free(err);
	od_config_free(cfg);
	free(path);

	cfg = NULL;
	err = load_text("comments.conf", "# nothing\n// here\n/* at all */\n", &cfg, &path);
	ok(!err && cfg && cfg->n_profiles == 0, "only comments: an empty configuration");
	od_error_free(err);
	od_config_free(cfg);
	free(path);

	cfg = NULL;
	err = load_text("int64.conf", "network = { retries = 0L; connect-timeout = 600; "
				      "stall-timeout = 3600; };\n", &cfg, &path);
	ok(!err && cfg && cfg->retries == 0 && cfg->connect_timeout_s == 600 &&
	   cfg->low_speed_time_s == 3600, "network: bounds and a 64-bit integer accepted");
	if (err)
		diag("%s", err->message);
	od_error_free(err);
	od_config_free(cfg);
	free(path);

	od_config_free(NULL);
	ok(1, "od_config_free(NULL) is harmless");
}

static void
test_paths(void)
{
	struct od_config *cfg = NULL;
	struct od_error *err;
	char *path, *cwd, *sub;
	const struct od_profile *p;

	/* a file in a subdirectory; relative paths resolve against it */
	scratch_mkdir("sub");
	setenv("HOME", "/h", 1);
	err = load_text("sub/paths.conf",
			"profiles = { p = { zone = \"z\"; token-file = \"tok\";\n"
			"ca-file = \"../ca/x.pem\"; }; };\n", &cfg, &path);
	p = err ? NULL : od_config_profile(cfg, "p");
	sub = scratch_path("sub/tok");
	is(p ? p->token_file : NULL, sub, "relative token-file next to the file");
	free(sub);
	sub = scratch_path("sub/../ca/x.pem");
	is(p ? p->ca_file : NULL, sub, "relative ca-file with .. kept below the file's directory");
	free(sub);
	od_error_free(err);
	od_config_free(cfg);
	free(path);

	/* "~" without a slash, and "~user", are not expanded */
	cfg = NULL;
	err = load_text("tilde.conf", "profiles = { p = { zone = \"z\"; token-file = \"~tok\"; "
				      "ca-file = \"~/\"; }; };\n", &cfg, &path);
	p = err ? NULL : od_config_profile(cfg, "p");
	sub = scratch_path("~tok");
	is(p ? p->token_file : NULL, sub, "\"~tok\" is a relative name, not expanded");
	free(sub);
	is(p ? p->ca_file : NULL, "/h/", "\"~/\" is the home directory");
	od_error_free(err);
	od_config_free(cfg);
	free(path);

	/* loaded through a relative path: the paths inside should still be absolute */
	cwd = getcwd(NULL, 0);
	if (cwd && chdir(scratch_dir) == 0) {
		cfg = NULL;
		err = od_config_load("sub/paths.conf", &cfg);
		p = err ? NULL : od_config_profile(cfg, "p");
		if (!ok(p && p->token_file && p->token_file[0] == '/',
			"file given by a relative path: token-file is absolute (config.h says so)"))
			diag("BUG (config.c expand_path): with a relative file name the result is "
			     "relative too (got '%s')", p && p->token_file ? p->token_file : "(null)");
		od_error_free(err);
		od_config_free(cfg);
		if (chdir(cwd) != 0)
			diag("cannot return to %s", cwd);
	} else {
		skip(1, "cannot change directory");
	}
	free(cwd);
}

/* A file that must be refused, with the message matching re. */
struct bad_case {
	const char *name, *text, *re;
	const char *bug;	/* non-NULL: known to fail, why */
};

static const struct bad_case bad_cases[] = {
	{ "syntax error", "default-profile = \"a\";\nprofiles = {\n  a = { zone = ; };\n};\n",
	  "^[^ ]*/bad\\.conf:3: syntax error", NULL },
	{ "missing semicolon at the end of a group", "profiles = { a = { zone = \"z\" }\n",
	  "^[^ ]*/bad\\.conf:[0-9]+: ", NULL },
	{ "unterminated string", "default-profile = \"abc;\n",
	  "^[^ ]*/bad\\.conf:[0-9]+: ", NULL },
	{ "duplicate setting", "default-profile = \"a\";\ndefault-profile = \"b\";\n",
	  "^[^ ]*/bad\\.conf:2: ", NULL },
	{ "number for a string in the root", "\n\ndefault-profile = 5;\n",
	  "^[^ ]*/bad\\.conf:3: \"default-profile\" must be a string in double quotes$", NULL },
	{ "number for zone", "profiles = {\n  a = {\n    zone = 42;\n  };\n};\n",
	  "^[^ ]*/bad\\.conf:3: \"zone\" must be a string in double quotes$", NULL },
	{ "boolean for token-file", "profiles = { a = {\n zone = \"z\";\n token-file = true; }; };\n",
	  "bad\\.conf:3: \"token-file\" must be a string", NULL },
	{ "list for provider", "profiles = { a = { zone = \"z\";\n\n\n provider = [\"x\"]; }; };\n",
	  "bad\\.conf:4: \"provider\" must be a string", NULL },
	{ "empty zone", "profiles = { a = {\n zone = \"\"; }; };\n",
	  "bad\\.conf:2: \"zone\" must not be empty$", NULL },
	{ "empty default-profile", "default-profile = \"\";\n",
	  "bad\\.conf:1: \"default-profile\" must not be empty$", NULL },
	{ "string for connect-timeout", "network = {\n  connect-timeout = \"15\";\n};\n",
	  "^[^ ]*/bad\\.conf:2: \"connect-timeout\" must be a whole number$", NULL },
	{ "float for retries", "network = {\n\n  retries = 1.5;\n};\n",
	  "bad\\.conf:3: \"retries\" must be a whole number$", NULL },
	{ "connect-timeout 0", "network = { connect-timeout = 0; };\n",
	  "bad\\.conf:1: \"connect-timeout\" must be between 1 and 600$", NULL },
	{ "connect-timeout too large", "network = { connect-timeout = 601; };\n",
	  "\"connect-timeout\" must be between 1 and 600$", NULL },
	{ "stall-timeout too large", "network = { stall-timeout = 3601; };\n",
	  "\"stall-timeout\" must be between 1 and 3600$", NULL },
	{ "negative retries", "network = { retries = -1; };\n",
	  "\"retries\" must be between 0 and 20$", NULL },
	{ "too many retries", "network = { retries = 21; };\n",
	  "\"retries\" must be between 0 and 20$", NULL },
	{ "huge 64-bit retries", "network = { retries = 4294967297L; };\n",
	  "\"retries\" must be between 0 and 20$", NULL },
	{ "unknown key in the root", "default-profile = \"a\";\n\ncolour = \"blue\";\n"
	  "profiles = { a = { zone = \"z\"; }; };\n",
	  "^[^ ]*/bad\\.conf:3: unknown setting \"colour\" \\(see onetui\\.conf\\(5\\)\\)$", NULL },
	{ "unknown key in a profile", "profiles = {\n  a = {\n    zone = \"z\";\n"
	  "    tokenfile = \"t\";\n  };\n};\n",
	  "^[^ ]*/bad\\.conf:4: unknown setting \"tokenfile\" in a profile", NULL },
	{ "unknown key in network", "network = {\n  connect-timeout = 5;\n  timeout = 5;\n};\n",
	  "^[^ ]*/bad\\.conf:3: unknown setting \"timeout\" in network", NULL },
	{ "network not a group", "network = 5;\n", "bad\\.conf:1: .*network = \\{", NULL },
	{ "transfers not a group", "transfers = 4;\n", "bad\\.conf:1: .*transfers = \\{", NULL },
	{ "jobs too many", "transfers = {\n  jobs = 65;\n};\n", "bad\\.conf:2: \"jobs\" must be between 1 and 64$",
	  NULL },
	{ "streams 0", "transfers = { streams = 0; };\n", "\"streams\" must be between 1 and 16$", NULL },
	{ "limit-rate a number", "transfers = {\n\n  limit-rate = 20;\n};\n",
	  "bad\\.conf:3: \"limit-rate\" must be a rate such as \"500k\", \"20M\" or \"1G\" \\(bytes per second\\)$", NULL },
	{ "limit-rate malformed", "transfers = { limit-rate = \"fast\"; };\n", "\"limit-rate\" must be a rate", NULL },
	{ "unknown key in transfers", "transfers = { parallel = 4; };\n",
	  "unknown setting \"parallel\" in transfers", NULL },
	{ "ingest not a group", "ingest = 4;\n", "bad\\.conf:1: .*ingest = \\{", NULL },
	{ "temporary not a list", "ingest = {\n  temporary = \"*.tmp\";\n};\n",
	  "bad\\.conf:2: \"temporary\" must be a list of strings", NULL },
	{ "temporary holds a number", "ingest = { temporary = [ 5 ]; };\n", "must be a string", NULL },
	{ "stable without a unit", "ingest = {\n  stable = \"30\";\n};\n",
	  "bad\\.conf:2: \"stable\" must be a time such as \"30s\", \"2m\" or \"500ms\"$", NULL },
	{ "poll a number", "ingest = { poll = 5; };\n", "\"poll\" must be a time", NULL },
	{ "poll zero", "ingest = { poll = \"0s\"; };\n", "\"poll\" must be a time", NULL },
	{ "unknown key in ingest", "ingest = { interval = \"5s\"; };\n", "unknown setting \"interval\" in ingest",
	  NULL },
	{ "profiles not a group", "profiles = [ \"a\" ];\n",
	  "bad\\.conf:1: \"profiles\" must be a group", NULL },
	{ "profile not a group", "profiles = {\n  a = \"zone.example.org\";\n};\n",
	  "bad\\.conf:2: profile \"a\" must be a group", NULL },
	{ "preferred-providers a string", "profiles = { a = { zone = \"z\";\n"
	  "preferred-providers = \"op\"; }; };\n",
	  "bad\\.conf:2: \"preferred-providers\" must be a list of strings", NULL },
	{ "preferred-providers with a number",
	  "profiles = { a = { zone = \"z\";\npreferred-providers = ( \"op\", 5 ); }; };\n",
	  "bad\\.conf:2: .*preferred-providers.* must be a string",
	  "the element has no name, so the message says \"(null)\" (printf %s of NULL)" },
	{ "preferred-providers with an empty string",
	  "profiles = { a = { zone = \"z\";\npreferred-providers = [ \"\" ]; }; };\n",
	  "bad\\.conf:2: .*preferred-providers.* must not be empty",
	  "the element has no name, so the message says \"(null)\" (printf %s of NULL)" },
	{ "default-profile names a missing profile",
	  "default-profile = \"prod\";\nprofiles = { a = { zone = \"z\"; }; };\n",
	  "^[^ ]*/bad\\.conf: default-profile names \"prod\", which is not defined$", NULL },
	{ "default-profile without any profiles", "default-profile = \"a\";\n",
	  "default-profile names \"a\", which is not defined", NULL },
	{ "templates not a group", "templates = 1;\n", "bad\\.conf:1: \"templates\" must be a group", NULL },
	{ "template without fields", "templates = {\n  t = { description = \"x\"; };\n};\n",
	  "bad\\.conf:2: template \"t\" has no fields$", NULL },
	{ "fields not a list", "templates = { t = {\n fields = 3; }; };\n",
	  "bad\\.conf:2: \"fields\" must be a list of groups", NULL },
	{ "a field without a name", "templates = { t = { fields = (\n { required = true; } ); }; };\n",
	  "bad\\.conf:2: a template's field needs a name$", NULL },
	{ "a field named twice", "templates = { t = { fields = ( { name = \"a\"; },\n { name = \"a\"; } ); }; };\n",
	  "bad\\.conf:2: field \"a\" is there twice$", NULL },
	{ "a reserved field name", "templates = { t = { fields = (\n { name = \"cdmi_size\"; } ); }; };\n",
	  "bad\\.conf:2: .*reserved by Onedata", NULL },
	{ "required not a boolean", "templates = { t = { fields = ( { name = \"a\";\n required = \"yes\"; } ); }; };\n",
	  "bad\\.conf:2: \"required\" must be true or false$", NULL },
	{ "a number field with a text default",
	  "templates = { t = { fields = (\n { name = \"kV\"; number = true; default = \"high\"; } ); }; };\n",
	  "bad\\.conf:2: the default of \"kV\" must be a number$", NULL },
	{ "unknown key in a field", "templates = { t = { fields = ( { name = \"a\";\n type = \"x\"; } ); }; };\n",
	  "bad\\.conf:2: unknown setting \"type\" in a template's field", NULL },
	{ "unknown key in a template", "templates = { t = {\n name = \"x\"; }; };\n",
	  "bad\\.conf:2: unknown setting \"name\" in a template", NULL },
	{ "handouts not a group", "handouts = \"x\";\n", "bad\\.conf:1: \"handouts\" must be a group", NULL },
	{ "a handout neither text nor file", "handouts = {\n  h = { text = \"x\"; };\n};\n",
	  "bad\\.conf:2: handout \"h\" must be a text in double quotes, or \\{ file", NULL },
	{ "a handout with an unknown placeholder", "handouts = { h = \"Hello\\n{nobody}\"; };\n",
	  "bad\\.conf: handout \"h\", line 2: no such placeholder: \\{nobody\\}", NULL },
	{ "a handout file that is not there", "handouts = {\n h = {\n file = \"no-such-handout.txt\"; }; };\n",
	  "bad\\.conf:3: Cannot read .*no-such-handout\\.txt", NULL },
	{ "error in the second profile", "profiles = {\n  a = { zone = \"z\"; };\n"
	  "  b = { zone = \"y\";\n    ca-file = 1; };\n};\n",
	  "bad\\.conf:4: \"ca-file\" must be a string", NULL },
};

static const char templates_config[] =
	"templates = {\n"
	"  krios-session = {\n"
	"    description = \"A cryo-EM session on the Titan Krios\";\n"
	"    fields = (\n"
	"      { name = \"instrument\"; default = \"Titan Krios G4\"; required = true; },\n"
	"      { name = \"operator\"; label = \"Operator (full name)\"; required = true; },\n"
	"      { name = \"sample\"; required = true; },\n"
	"      { name = \"magnification\"; number = true; },\n"
	"      { name = \"voltage_kV\"; number = true; default = 300; },\n"
	"      { name = \"pixel_size_A\"; number = true; default = 0.83; }\n"
	"    );\n"
	"  };\n"
	"};\n";

/* Handouts inline and from a file (relative to the configuration), both
 * checked when the configuration is read. */
static void
test_handouts(void)
{
	struct od_config *cfg = NULL;
	const struct od_handout_template *h;
	struct od_error *err;
	char *path, *text = write_file("handout-em.txt", "Dear user,\n{?link}\n{link}\n{/link}\n");

	err = load_text("handouts.conf", "handouts = {\n  short = \"Data: {link}\";\n  em = { file = \"handout-em.txt\"; };\n};\n",
			&cfg, &path);
	ok(!err && cfg && cfg->n_handouts == 2, "two handouts load%s%s", err ? ": " : "", err ? err->message : "");
	od_error_free(err);
	h = od_config_handout(cfg, "em");
	ok(h && od_str_eq(h->text, "Dear user,\n{?link}\n{link}\n{/link}\n"), "one read from its file");
	h = od_config_handout(cfg, "short");
	ok(h && od_str_eq(h->text, "Data: {link}"), "one inline");
	ok(!od_config_handout(cfg, "nope"), "an unknown handout is NULL");
	od_config_free(cfg);
	free(path);
	free(text);
	text = write_file("handout-bad.txt", "a\n{?token}\n");
	err = load_text("handouts.conf", "handouts = { bad = { file = \"handout-bad.txt\"; }; };\n", &cfg, &path);
	like(err ? err->message : NULL, "handout-bad\\.txt, line 2: the section \\{\\?token\\} does not end",
	     "a mistake in a handout file names that file and its line");
	od_error_free(err);
	free(path);
	free(text);
}

static void
test_templates(void)
{
	struct od_config *cfg = NULL;
	const struct od_template *t;
	struct od_error *err;
	char *path, *text;
	cJSON *obj;

	err = load_text("templates.conf", templates_config, &cfg, &path);
	ok(!err && cfg, "a template loads%s%s", err ? ": " : "", err ? err->message : "");
	od_error_free(err);
	t = od_config_template(cfg, "krios-session");
	ok(t && t->n_fields == 6 && od_str_eq(t->description, "A cryo-EM session on the Titan Krios"),
	   "found by name, with its six fields");
	ok(!od_config_template(cfg, "nope"), "an unknown name is NULL");
	if (t) {
		const struct od_template_field *f = t->fields;
		ok(f[0].required && od_str_eq(f[0].fallback, "Titan Krios G4") && !f[0].number, "a text field");
		ok(od_str_eq(f[1].label, "Operator (full name)") && !f[1].fallback, "a label");
		ok(f[4].number && od_str_eq(f[4].fallback, "300"), "a number field with a whole default");
		ok(f[5].number && od_str_eq(f[5].fallback, "0.83"), "... with a fraction");
		{
			const char *values[] = { "operator=Alice Kowalczyk", "sample=Apoferritin", "magnification=105000" };
			err = od_meta_template_fill(t, values, 3, &obj);
			text = obj ? cJSON_PrintUnformatted(obj) : NULL;
			is(text, "{\"instrument\":\"Titan Krios G4\",\"voltage_kV\":300,\"pixel_size_A\":0.83,"
			   "\"operator\":\"Alice Kowalczyk\",\"sample\":\"Apoferritin\",\"magnification\":105000}",
			   "filled: defaults, then the values, numbers as numbers");
			cJSON_free(text);
			cJSON_Delete(obj);
			od_error_free(err);
		}
		{
			const char *values[] = { "operator=", "magnification=high" };
			err = od_meta_template_fill(t, values, 1, &obj);
			like(err ? err->message : NULL, "needs a value for operator, sample$",
			     "required fields without a value are all named");
			od_error_free(err);
			err = od_meta_template_fill(t, values + 1, 1, &obj);
			like(err ? err->message : NULL, "\"magnification\" is a number, not \"high\"", "a number field");
			od_error_free(err);
		}
		{
			const char *values[] = { "colour=blue" };
			err = od_meta_template_fill(t, values, 1, &obj);
			like(err ? err->message : NULL, "template \"krios-session\" has no field \"colour\"",
			     "a name that is not a field");
			od_error_free(err);
		}
	}
	od_config_free(cfg);
	free(path);
}

static void
test_bad(void)
{
	for (size_t i = 0; i < OD_ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct od_config *cfg = (struct od_config *)1;
		struct od_error *err;
		char *path;

		err = load_text("bad.conf", c->text, &cfg, &path);
		ok(err && err->kind == OD_ERR_INPUT && cfg == NULL, "%s: refused", c->name);
		if (!like(err ? err->message : NULL, c->re, "%s: message", c->name) && c->bug)
			diag("BUG (config.c parse_profile/get_string): %s", c->bug);
		od_error_free(err);
		if (!err && cfg != (struct od_config *)1)
			od_config_free(cfg);
		free(path);
	}
}

static void
test_files(void)
{
	struct od_config *cfg;
	struct od_error *err;
	char *path, *xdg, *want;

	/* a missing file named explicitly is an error */
	path = scratch_path("does-not-exist.conf");
	cfg = (struct od_config *)1;
	err = od_config_load(path, &cfg);
	ok(err && cfg == NULL, "missing explicit file: error");
	like(err ? err->message : NULL, "^cannot read the configuration file [^ ]*/does-not-exist\\.conf: ",
	     "missing explicit file: message names the file");
	ok(err && err->sys_errno == ENOENT, "missing explicit file: ENOENT");
	od_error_free(err);
	free(path);

	/* a directory is not a configuration file */
	cfg = (struct od_config *)1;
	err = od_config_load(scratch_dir, &cfg);
	ok(err && cfg == NULL, "directory as the file: error");
	like(err ? err->message : NULL, "is not a regular file", "directory as the file: message");
	od_error_free(err);

	/* a missing default file is an empty configuration */
	scratch_mkdir("xdg-empty");
	xdg = scratch_path("xdg-empty");
	setenv("XDG_CONFIG_HOME", xdg, 1);
	cfg = NULL;
	err = od_config_load(NULL, &cfg);
	ok(!err && cfg && cfg->path == NULL && cfg->n_profiles == 0 && cfg->retries == -1,
	   "missing default file: an empty configuration without a path");
	od_error_free(err);
	od_config_free(cfg);
	want = od_asprintf("%s/onetui/config", xdg);
	path = od_config_default_path();
	is(path, want, "default path under XDG_CONFIG_HOME");
	free(path);
	free(want);
	free(xdg);

	/* an existing default file is read */
	scratch_mkdir("xdg");
	scratch_mkdir("xdg/onetui");
	path = write_file("xdg/onetui/config", "profiles = { only = { zone = \"z.example\"; }; };\n");
	xdg = scratch_path("xdg");
	setenv("XDG_CONFIG_HOME", xdg, 1);
	cfg = NULL;
	err = od_config_load(NULL, &cfg);
	ok(!err && cfg && od_str_eq(cfg->path, path) && cfg->n_profiles == 1,
	   "default file under XDG_CONFIG_HOME is read");
	od_error_free(err);
	od_config_free(cfg);
	free(path);
	free(xdg);

	/* a broken default file is an error, not an empty configuration */
	path = write_file("xdg/onetui/config", "profiles = {\n");
	xdg = scratch_path("xdg");
	cfg = (struct od_config *)1;
	err = od_config_load(NULL, &cfg);
	ok(err && cfg == NULL, "broken default file: error");
	like(err ? err->message : NULL, "/xdg/onetui/config:[0-9]+: ", "broken default file: file:line");
	od_error_free(err);
	free(path);
	free(xdg);

	/* without XDG_CONFIG_HOME (or a relative one) it is under HOME */
	setenv("XDG_CONFIG_HOME", "relative/dir", 1);
	setenv("HOME", "/home/tester", 1);
	path = od_config_default_path();
	is(path, "/home/tester/.config/onetui/config", "relative XDG_CONFIG_HOME is ignored");
	free(path);
	unsetenv("XDG_CONFIG_HOME");
	path = od_config_default_path();
	is(path, "/home/tester/.config/onetui/config", "default path under HOME");
	free(path);
	unsetenv("HOME");
	path = od_config_default_path();
	ok(path == NULL, "no HOME and no XDG_CONFIG_HOME: no default path");
	free(path);
	cfg = NULL;
	err = od_config_load(NULL, &cfg);
	ok(!err && cfg && cfg->path == NULL, "no default path at all: an empty configuration");
	od_error_free(err);
	od_config_free(cfg);

	/* an unreadable file */
	if (geteuid() != 0) {
		path = write_file("unreadable.conf", "default-profile = \"x\";\n");
		chmod(path, 0);
		cfg = (struct od_config *)1;
		err = od_config_load(path, &cfg);
		ok(err && cfg == NULL, "unreadable file: error");
		like(err ? err->message : NULL, "cannot read the configuration file .*unreadable",
		     "unreadable file: message");
		od_error_free(err);
		free(path);
	} else {
		skip(2, "running as root: permissions are not enforced");
	}
}

/* --- settings ---------------------------------------------------------------- */

static struct od_config *
load_settings_config(const char *text)
{
	struct od_config *cfg = NULL;
	struct od_error *err;
	char *path;

	err = load_text("settings.conf", text, &cfg, &path);
	if (err) {
		diag("cannot load the settings configuration: %s", err->message);
		od_error_free(err);
		abort();
	}
	free(path);
	return cfg;
}

static const char settings_config[] =
	"default-profile = \"work\";\n"
	"network = { connect-timeout = 15; stall-timeout = 60; retries = 3; };\n"
	"profiles = {\n"
	"  work = { zone = \"work.example.org\"; token-file = \"/t/work\"; ca-file = \"/c/work\";\n"
	"           provider = \"op-work.example.org\";\n"
	"           preferred-providers = [ \"p1.example.org\", \"p2.example.org\" ]; };\n"
	"  home = { zone = \"home.example.org:8443\"; token-file = \"/t/home\"; };\n"
	"  plain = { zone = \"http://plain.example.org\"; };\n"
	"  nozone = { token-file = \"/t/nozone\"; };\n"
	"};\n";

/* Resolve and return the zone origin (or "ERROR: message"), caller frees. */
static char *
zone_of(const struct od_config *cfg, const struct od_overrides *ov)
{
	struct od_settings s;
	struct od_error *err = od_settings_resolve(cfg, ov, &s);
	char *r;

	if (err) {
		r = od_asprintf("ERROR: %s", err->message);
		od_error_free(err);
		return r;
	}
	r = od_strdup(s.zone_origin);
	od_settings_done(&s);
	return r;
}

static void
test_zone_precedence(void)
{
	struct od_config *cfg = load_settings_config(settings_config);
	struct od_overrides ov = { 0 };
	char *z;

	env_clear();
	z = zone_of(cfg, &ov);
	is(z, "https://work.example.org", "zone: from the default profile");
	free(z);
	setenv("ONEZONE_HOST", "onezone-host.example.org", 1);
	z = zone_of(cfg, &ov);
	is(z, "https://onezone-host.example.org", "zone: ONEZONE_HOST beats the profile");
	free(z);
	setenv("ONEDATA_ZONE", "onedata-zone.example.org", 1);
	z = zone_of(cfg, &ov);
	is(z, "https://onedata-zone.example.org", "zone: ONEDATA_ZONE beats ONEZONE_HOST");
	free(z);
	ov.zone = "flag.example.org:9443";
	z = zone_of(cfg, &ov);
	is(z, "https://flag.example.org:9443", "zone: --zone beats ONEDATA_ZONE");
	free(z);
	ov.zone = NULL;
	setenv("ONEDATA_ZONE", "", 1);
	z = zone_of(cfg, &ov);
	is(z, "https://onezone-host.example.org", "zone: an empty ONEDATA_ZONE counts as unset");
	free(z);
	env_clear();

	/* normalisation errors come out prefixed */
	ov.zone = "http://zone.example.org";
	z = zone_of(cfg, &ov);
	like(z, "^ERROR: Bad zone: \"http://zone.example.org\" uses plain http",
	     "zone: plain http refused, prefixed \"Bad zone\"");
	free(z);
	ov.zone = "https://zone.example.org/some/path";
	z = zone_of(cfg, &ov);
	like(z, "^ERROR: Bad zone: .*just a host name", "zone: a path refused, prefixed");
	free(z);
	ov.zone = NULL;
	setenv("ONEDATA_ZONE", "ftp://zone.example.org", 1);
	z = zone_of(cfg, &ov);
	like(z, "^ERROR: Bad zone: .*only https", "zone: a bad ONEDATA_ZONE refused, prefixed");
	free(z);
	env_clear();
	ov.profile = "plain";
	z = zone_of(cfg, &ov);
	like(z, "^ERROR: Bad zone: .*plain http", "zone: a bad profile zone refused, prefixed");
	free(z);

	/* no zone at all */
	ov.profile = "nozone";
	z = zone_of(cfg, &ov);
	like(z, "^ERROR: no zone given: use --zone, set ONEDATA_ZONE, .*settings\\.conf",
	     "zone: profile without a zone and nothing else is an error naming the file");
	free(z);
	ov.profile = NULL;
	z = zone_of(NULL, &ov);
	like(z, "^ERROR: no zone given: use --zone", "zone: nothing at all (no config) is an error");
	free(z);
	od_config_free(cfg);
}

/* Resolve and return the profile used (or "(none)" / "ERROR: ..."), caller frees. */
static char *
profile_of(const struct od_config *cfg, const struct od_overrides *ov)
{
	struct od_overrides o = *ov;
	struct od_settings s;
	struct od_error *err;
	char *r;

	if (!o.zone)
		o.zone = "zone.example.org";	/* so a profile without a zone is fine */
	err = od_settings_resolve(cfg, &o, &s);
	if (err) {
		r = od_asprintf("ERROR: %s", err->message);
		od_error_free(err);
		return r;
	}
	r = od_strdup(s.profile ? s.profile : "(none)");
	od_settings_done(&s);
	return r;
}

static void
test_profile_precedence(void)
{
	struct od_config *cfg = load_settings_config(settings_config);
	struct od_overrides ov = { 0 };
	char *p;

	env_clear();
	p = profile_of(cfg, &ov);
	is(p, "work", "profile: default-profile");
	free(p);
	setenv("ONETUI_PROFILE", "home", 1);
	p = profile_of(cfg, &ov);
	is(p, "home", "profile: ONETUI_PROFILE beats default-profile");
	free(p);
	ov.profile = "nozone";
	p = profile_of(cfg, &ov);
	is(p, "nozone", "profile: --profile beats ONETUI_PROFILE");
	free(p);
	ov.profile = NULL;
	setenv("ONETUI_PROFILE", "", 1);
	p = profile_of(cfg, &ov);
	is(p, "work", "profile: an empty ONETUI_PROFILE counts as unset");
	free(p);
	env_clear();

	ov.profile = "missing";
	p = profile_of(cfg, &ov);
	like(p, "^ERROR: [^ ]*/settings\\.conf defines no profile \"missing\"$",
	     "profile: an unknown --profile is an error naming the file");
	free(p);
	ov.profile = NULL;
	setenv("ONETUI_PROFILE", "Work", 1);
	p = profile_of(cfg, &ov);
	like(p, "^ERROR: .*defines no profile \"Work\"$",
	     "profile: an unknown ONETUI_PROFILE is an error (case-sensitive)");
	free(p);
	env_clear();
	od_config_free(cfg);

	/* the only profile is used when nothing names one */
	cfg = load_settings_config("profiles = { solo = { zone = \"solo.example.org\"; }; };\n");
	p = profile_of(cfg, &ov);
	is(p, "solo", "profile: the only profile without default-profile");
	free(p);
	p = zone_of(cfg, &ov);
	is(p, "https://solo.example.org", "profile: the only profile gives the zone");
	free(p);
	od_config_free(cfg);

	/* two profiles and no default: none is picked */
	cfg = load_settings_config("profiles = { a = { zone = \"a.example.org\"; };\n"
				   "b = { zone = \"b.example.org\"; }; };\n");
	p = profile_of(cfg, &ov);
	is(p, "(none)", "profile: two profiles and no default: none chosen");
	free(p);
	p = zone_of(cfg, &ov);
	like(p, "^ERROR: no zone given", "profile: two profiles and no default: no zone");
	free(p);
	od_config_free(cfg);

	/* no configuration at all */
	p = profile_of(NULL, &ov);
	is(p, "(none)", "profile: no configuration, no profile");
	free(p);
	ov.profile = "work";
	p = profile_of(NULL, &ov);
	like(p, "^ERROR: profile \"work\" requested, but there is no configuration file",
	     "profile: --profile without a configuration is an error");
	free(p);
	{
		/* an empty configuration loaded from a missing default file */
		struct od_config *empty = NULL;
		struct od_error *err;
		char *xdg;

		scratch_mkdir("xdg-none");
		xdg = scratch_path("xdg-none");
		setenv("XDG_CONFIG_HOME", xdg, 1);
		err = od_config_load(NULL, &empty);
		p = err ? NULL : profile_of(empty, &ov);
		like(p, "^ERROR: profile \"work\" requested, but there is no configuration file",
		     "profile: --profile with an empty default configuration is an error");
		free(p);
		od_error_free(err);
		od_config_free(empty);
		unsetenv("XDG_CONFIG_HOME");
		free(xdg);
	}
}

static void
test_other_settings(void)
{
	struct od_config *cfg = load_settings_config(settings_config);
	struct od_overrides ov = { 0 };
	struct od_settings s;
	struct od_error *err;

	env_clear();
	err = od_settings_resolve(cfg, &ov, &s);
	ok(!err, "settings: resolve with the default profile");
	if (err) {
		diag("%s", err->message);
		od_error_free(err);
		od_config_free(cfg);
		return;
	}
	is(s.profile, "work", "settings: profile");
	is(s.token_file, "/t/work", "settings: token file from the profile");
	ok(!s.token_file_given, "settings: token_file_given false without the flag");
	is(s.ca_file, "/c/work", "settings: ca file from the profile");
	is(s.provider, "op-work.example.org", "settings: provider from the profile");
	ok(s.n_preferred == 2 && od_str_eq(s.preferred[0], "p1.example.org") &&
	   od_str_eq(s.preferred[1], "p2.example.org"), "settings: preferred providers copied");
	cmp_ok(s.connect_timeout_ms, "==", 15000, "settings: connect timeout in ms");
	cmp_ok(s.low_speed_time_s, "==", 60, "settings: stall timeout");
	cmp_ok(s.max_retries, "==", 3, "settings: retries");
	od_settings_done(&s);
	ok(s.profile == NULL && s.zone_origin == NULL && s.preferred == NULL,
	   "od_settings_done clears the structure");
	od_settings_done(&s);
	ok(1, "od_settings_done twice is harmless");

	/* provider: flag > ONEPROVIDER_HOST > ONECLIENT_PROVIDER_HOST > profile */
	setenv("ONECLIENT_PROVIDER_HOST", "oneclient.example.org", 1);
	err = od_settings_resolve(cfg, &ov, &s);
	is(err ? "(error)" : s.provider, "oneclient.example.org",
	   "provider: ONECLIENT_PROVIDER_HOST beats the profile");
	if (!err)
		od_settings_done(&s);
	od_error_free(err);
	setenv("ONEPROVIDER_HOST", "oneprovider.example.org", 1);
	err = od_settings_resolve(cfg, &ov, &s);
	is(err ? "(error)" : s.provider, "oneprovider.example.org",
	   "provider: ONEPROVIDER_HOST beats ONECLIENT_PROVIDER_HOST");
	if (!err)
		od_settings_done(&s);
	od_error_free(err);
	ov.provider = "flag.example.org";
	err = od_settings_resolve(cfg, &ov, &s);
	is(err ? "(error)" : s.provider, "flag.example.org", "provider: --provider beats all");
	if (!err)
		od_settings_done(&s);
	od_error_free(err);
	ov.provider = NULL;

	/* ca file: flag > ONETUI_CACERT > profile */
	setenv("ONETUI_CACERT", "/env/ca.pem", 1);
	err = od_settings_resolve(cfg, &ov, &s);
	is(err ? "(error)" : s.ca_file, "/env/ca.pem", "ca file: ONETUI_CACERT beats the profile");
	if (!err)
		od_settings_done(&s);
	od_error_free(err);
	ov.ca_file = "/flag/ca.pem";
	err = od_settings_resolve(cfg, &ov, &s);
	is(err ? "(error)" : s.ca_file, "/flag/ca.pem", "ca file: --ca-file beats ONETUI_CACERT");
	if (!err)
		od_settings_done(&s);
	od_error_free(err);
	ov.ca_file = NULL;

	/* token file: flag > profile, and token_file_given only with the flag */
	ov.token_file = "/flag/token";
	err = od_settings_resolve(cfg, &ov, &s);
	ok(!err && od_str_eq(s.token_file, "/flag/token") && s.token_file_given,
	   "token file: --token-file beats the profile and sets token_file_given");
	if (!err)
		od_settings_done(&s);
	od_error_free(err);
	ov.token_file = NULL;
	ov.profile = "home";
	err = od_settings_resolve(cfg, &ov, &s);
	ok(!err && od_str_eq(s.token_file, "/t/home") && !s.token_file_given &&
	   s.ca_file && od_str_eq(s.ca_file, "/env/ca.pem") && s.n_preferred == 0 &&
	   od_str_eq(s.zone_origin, "https://home.example.org:8443"),
	   "settings: another profile's values, env ca file, no preferred providers");
	if (!err)
		od_settings_done(&s);
	od_error_free(err);
	ov.profile = NULL;
	env_clear();
	od_config_free(cfg);

	/* without a configuration */
	ov.zone = "zone.example.org";
	err = od_settings_resolve(NULL, &ov, &s);
	ok(!err && s.profile == NULL && s.token_file == NULL && s.ca_file == NULL &&
	   s.provider == NULL && s.n_preferred == 0 && s.max_retries == -1 &&
	   s.connect_timeout_ms == 0 && s.low_speed_time_s == 0,
	   "settings: no configuration, only the zone flag");
	if (!err)
		od_settings_done(&s);
	od_error_free(err);

	/* a configuration without a network group keeps the engine defaults */
	cfg = load_settings_config("profiles = { a = { zone = \"a.example.org\"; }; };\n");
	ov.zone = NULL;
	err = od_settings_resolve(cfg, &ov, &s);
	ok(!err && s.max_retries == -1 && s.connect_timeout_ms == 0,
	   "settings: no network group: retries -1, timeouts 0");
	if (!err)
		od_settings_done(&s);
	od_error_free(err);
	od_config_free(cfg);
}

int
main(void)
{
	scratch_init("t-config");
	env_save(env_names, OD_ARRAY_SIZE(env_names));

	test_full();
	test_ingest();
	test_minimal();
	test_paths();
	test_bad();
	test_templates();
	test_handouts();
	test_files();
	test_zone_precedence();
	test_profile_precedence();
	test_other_settings();

	env_restore();
	scratch_done();
	return done_testing();
}
