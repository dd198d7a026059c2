#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""check-errors.py: compare src/core/errors.def with the official Onedata
error definitions (one YAML file per error, grouped in category folders).

usage: check-errors.py [--tap] ERRORS_DEF ERRORS_FOLDER

Reports official ids missing from the table, table ids that are not official,
HTTP status or errno mismatches, and duplicate or malformed table lines.  Plain mode prints one line per problem
and exits 0 when the table is consistent, 1 otherwise, 77 when the folder is
not there.  With --tap it prints TAP (one test per official id, plus one for
"no unofficial ids", which malformed lines also fail) and exits 0; a missing
folder gives "1..0 # SKIP".

Only the top-level id, http_code and errno keys of each YAML file are read,
with plain line parsing (standard library only).  An http_code that is not a
number (the definition computes it) must appear as 0 in the table; so must an
errno that is absent or that Linux does not have.
"""

import errno
import os
import re
import sys

EXIT_SKIP = 77
EXIT_USAGE = 2

TOP_KEY = re.compile(r'^([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:(.*)$')
ENTRY = re.compile(r'^OD_ERRDEF\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*,\s*([0-9]+)\s*,'
                   r'\s*(0|E[A-Z0-9]+)\s*,\s*N_\(\s*"(?:[^"\\]|\\.)*"\s*\)\s*\)$')


def scalar(raw):
    """The value of a one-line YAML scalar: unquoted, comment dropped.
    Returns None for an empty value or a block scalar ("|", ">-"...)."""
    value = raw.strip()
    if not value or value[0] in '|>':
        return None
    if value[0] in '"\'':
        end = value.find(value[0], 1)
        return value[1:end] if end > 0 else value[1:]
    value = re.sub(r'\s+#.*$', '', value).strip()
    if value in ('null', '~'):
        return None
    return value


def read_official(folder):
    """Return ({id: (http_code or None, errno name or None, relpath)}, problems)."""
    defs = {}
    problems = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for name in sorted(filenames):
            if not name.endswith(('.yaml', '.yml')):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, folder)
            keys = {}
            with open(path, encoding='utf-8') as f:
                for line in f:
                    m = TOP_KEY.match(line.rstrip('\r\n'))
                    if m and m.group(1) not in keys:
                        keys[m.group(1)] = scalar(m.group(2))
            ident = keys.get('id')
            if not ident:
                problems.append('%s: no id' % rel)
                continue
            code = keys.get('http_code')
            code = int(code) if code is not None and code.isdigit() else None
            en = keys.get('errno')
            en = en.upper() if en else None
            if ident in defs:
                problems.append('%s: id %s is also defined in %s'
                                % (rel, ident, defs[ident][2]))
                continue
            defs[ident] = (code, en, rel)
    return defs, problems


def strip_comments(text):
    """Blank out C comments (outside string literals), keeping line breaks."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"' and text[j] != '\n':
                j += 2 if text[j] == '\\' else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j]))
            i = j
        elif text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
            i = j
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def read_table(path):
    """Return ({id: (status, errno token, line)}, {id: [duplicate lines]},
    problems)."""
    table = {}
    dups = {}
    problems = []
    with open(path, encoding='utf-8') as f:
        text = strip_comments(f.read())
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        m = ENTRY.match(line)
        if not m:
            problems.append('%s:%d: not an OD_ERRDEF(id, status, errno, N_("...")) line'
                            % (path, lineno))
            continue
        ident, status, en = m.group(1), int(m.group(2)), m.group(3)
        if ident in table:
            dups.setdefault(ident, []).append(lineno)
            continue
        table[ident] = (status, en, lineno)
    return table, dups, problems


def expected_errno(name):
    """The table's errno token for an official errno name."""
    if name and hasattr(errno, name):
        return name
    return '0'


def compare(official, table, dups):
    """Return ([(id, [problems])] per official id, [unofficial ids])."""
    results = []
    for ident in sorted(official, key=lambda k: (official[k][2], k)):
        code, en, rel = official[ident]
        issues = []
        if ident not in table:
            issues.append('missing from the table (%s)' % rel)
        else:
            status, token, _ = table[ident]
            want_status = code if code is not None else 0
            if status != want_status:
                issues.append('HTTP status %d in the table, official %d'
                              % (status, want_status))
            want = expected_errno(en)
            if token != want:
                issues.append('errno %s in the table, official %s%s'
                              % (token, want,
                                 ' (%s has no Linux constant)' % en
                                 if en and want == '0' else ''))
            for lineno in dups.get(ident, []):
                issues.append('listed again on line %d' % lineno)
        results.append((ident, issues))
    unofficial = sorted(k for k in table if k not in official)
    return results, unofficial


def main(argv):
    tap = False
    args = []
    for a in argv[1:]:
        if a == '--tap':
            tap = True
        elif a in ('-h', '--help'):
            print(__doc__.strip())
            return 0
        else:
            args.append(a)
    if len(args) != 2:
        sys.stderr.write('usage: check-errors.py [--tap] ERRORS_DEF ERRORS_FOLDER\n')
        return EXIT_USAGE
    table_path, folder = args

    if not os.path.isdir(folder):
        reason = 'official error definitions not found at %s' % folder
        if tap:
            print('1..0 # SKIP %s' % reason)
            return 0
        print(reason)
        return EXIT_SKIP
    official, yaml_problems = read_official(folder)
    if not official:
        reason = 'no error definitions (*.yaml) under %s' % folder
        if tap:
            print('1..0 # SKIP %s' % reason)
            return 0
        print(reason)
        return EXIT_SKIP
    try:
        table, dups, table_problems = read_table(table_path)
    except OSError as e:
        if tap:
            print('Bail out! cannot read %s: %s' % (table_path, e.strerror))
        else:
            print('cannot read %s: %s' % (table_path, e.strerror))
        return EXIT_USAGE

    results, unofficial = compare(official, table, dups)
    general = yaml_problems + table_problems

    if tap:
        print('1..%d' % (len(results) + 1))
        n = 0
        for ident, issues in results:
            n += 1
            if issues:
                print('not ok %d - %s: %s' % (n, ident, '; '.join(issues)))
            else:
                print('ok %d - %s' % (n, ident))
        n += 1
        if unofficial or general:
            print('not ok %d - no unofficial ids%s' % (n, ''.join(
                '; %s (line %d) is not official' % (k, table[k][2])
                for k in unofficial)))
            for p in general:
                print('# %s' % p)
        else:
            print('ok %d - no unofficial ids' % n)
        return 0

    for p in general:
        print(p)
    for ident, issues in results:
        for issue in issues:
            print('%s: %s' % (ident, issue))
    for ident in unofficial:
        print('%s: in the table (line %d) but not an official id'
              % (ident, table[ident][2]))
    for ident in sorted(dups):
        if ident not in official:
            print('%s: listed again on line(s) %s'
                  % (ident, ', '.join(map(str, dups[ident]))))
    bad = general or unofficial or any(issues for _, issues in results)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
