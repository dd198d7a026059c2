#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# errors-table.sh: check src/core/errors.def against the official Onedata
# error definitions, as TAP (run by automake's TAP driver).
#
# Environment: top_srcdir (absolute source directory), PYTHON3 (may be
# empty), ONEDATA_API_SPEC_DIR (the official API folder; its errors/
# subfolder holds the definitions).  Skips when either is unavailable.

if [ -z "${PYTHON3:-}" ]; then
	echo '1..0 # SKIP python3 not found'
	exit 0
fi

if [ -z "${ONEDATA_API_SPEC_DIR:-}" ] || [ ! -d "$ONEDATA_API_SPEC_DIR/errors" ]; then
	echo '1..0 # SKIP official API definitions not available (set ONEDATA_API_SPEC_DIR)'
	exit 0
fi

if [ -z "${top_srcdir:-}" ]; then
	top_srcdir=$(cd "$(dirname "$0")/../.." && pwd) || exit 99
fi

exec "$PYTHON3" "$top_srcdir/tools/check-errors.py" --tap \
	"$top_srcdir/src/core/errors.def" "$ONEDATA_API_SPEC_DIR/errors"
