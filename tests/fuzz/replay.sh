#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# replay.sh: replay each fuzz target's saved corpus, as TAP (run by
# automake's TAP driver from the build directory).
#
# Environment: top_srcdir and top_builddir (absolute); VALGRIND (may be
# empty) prefixes each replay program, as in make check-valgrind. The
# inputs each program ran are in tests/fuzz/<target>-replay.log.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"

targets='fuzz-json fuzz-attrs fuzz-error fuzz-sanitize fuzz-url fuzz-config fuzz-peek fuzz-metatext fuzz-yaml'

# Leaks in libconfig itself (see the files) must not fail the replay.
LSAN_OPTIONS="suppressions=$top_srcdir/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
wrapper=
if [ -n "${VALGRIND:-}" ]; then
	wrapper="$VALGRIND --suppressions=$top_srcdir/tests/fuzz/valgrind.supp"
fi

set -- $targets
echo "1..$#"
n=0
for t in $targets; do
	n=$((n + 1))
	prog=$top_builddir/tests/fuzz/$t-replay
	corpus=$top_srcdir/tests/fuzz/corpus/$t
	log=$top_builddir/tests/fuzz/$t-replay.log
	if [ ! -x "$prog" ]; then
		echo "not ok $n - $t: $prog not built"
		continue
	fi
	if [ ! -d "$corpus" ]; then
		echo "not ok $n - $t: no corpus at $corpus"
		continue
	fi
	summary=$($wrapper "$prog" "$corpus" 2>"$log")
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "ok $n - $t: $summary"
	else
		echo "not ok $n - $t: exit status $rc"
		tail -n 30 "$log" | sed 's/^/# /'
	fi
done
