# SPDX-License-Identifier: GPL-3.0-or-later
"""CLI cases as data: the command, the token, the exit code, what stdout
and stderr must show. cli.py runs them against the zone over HTTPS;
conformance.py runs them again through the Prism validating proxy. Cases
that need fault injection live in cli.py, since they break the API on
purpose."""

import re

KRIOS = "Krios-2025-11 Session Data"
P11 = "P11 Beamline p700123"
RUN34 = P11 + "/p700123/r0034"
# A movie of the fourth grid square: a quarter of it is on HPC Centre too.
MOVIE = (KRIOS + "/Images-Disc1/GridSquare_1734493/Data/"
         "FoilHole_17344931_Data_1734504_1734506_20251112_151853_fractions.tiff")

# Names in the fixture's hostile/ folder, as the server sends them.
HOSTILE = [
    "\x1b[31mred\x1b[0m.tiff", "\x1b]0;pwned\x07", "..", "...", "CON", "back\\slash.txt",
    "c1\u009b31mcsi.txt", "clear\x1b[2Jscreen.txt", "del\x7f.txt", "invoice\u202efdp.exe",
    "line one\nline two.txt", "nul\x00byte.txt", "tab\there.txt", "trailing dot.",
    "what?:*<>|.txt",
]


class Case:
    def __init__(self, name, args, user="alice", rc=0, out=None, err=None, no_out=None,
                 check=None, locale="C.UTF-8", env=None):
        self.name = name
        self.args = args
        self.user = user
        self.rc = rc
        self.out = out          # regex stdout must match
        self.err = err          # regex stderr must match
        self.no_out = no_out    # regex stdout must not match
        self.check = check      # fn(result, harness) -> bool
        self.locale = locale
        self.env = env


def _json(result):
    return result.json()


def _names(result):
    return [e["name"] for e in (result.json() or [])]


def _no_control_bytes(data):
    """Printed text may hold newlines, nothing else below 0x20, no DEL, no
    C1 control and no right-to-left override."""
    text = data.decode("utf-8", "replace")
    return not re.search("[\x00-\x09\x0b-\x1f\x7f\u0080-\u009f\u202a-\u202e\u2066-\u2069]", text)


def cases(info):
    users = info["users"]
    spaces = info["spaces"]
    return [
        # --- who am I ---------------------------------------------------------
        Case("whoami names the user", ["whoami"], out=r"Alice Kowalczyk \(alice\)"),
        Case("whoami shows the user id and e-mail", ["whoami"],
             out=r"User id: +%s\n(.|\n)*E-mail: +alice" % users["alice"]),
        Case("whoami says where the token came from", ["whoami"], out=r"Token: +token file /"),
        Case("whoami --json", ["whoami", "--json"],
             check=lambda r, h: _json(r)["userId"] == users["alice"]
             and _json(r)["username"] == "alice" and _json(r)["token"]["spaces"] == len(spaces)
             and _json(r)["token"]["readonly"] is False and _json(r)["zone"] == h.zone_url
             and _json(r)["token"]["validUntil"] is None),
        Case("whoami with a read-only token says so", ["whoami"], user="alice-readonly",
             out=r"read-only"),
        Case("whoami with a Oneclient-only token still finds the user", ["whoami", "--json"],
             user="alice-oneclient",
             check=lambda r, h: _json(r)["userId"] == users["alice"]
             and _json(r)["profileRestricted"] is True),
        Case("whoami with a revoked token: refused, exit 4", ["whoami"], user="alice-revoked",
             rc=4, err=r"^onetui: Cannot ask .* who you are: .*revoked"),
        Case("whoami with an expired token: refused with the expiry, exit 4", ["whoami"],
             user="alice-expired", rc=4, err=r"expired at 20\d\d-"),
        Case("whoami with a garbled token: refused, exit 4", ["whoami"], user="malformed",
             rc=4, err=r"garbled|not accept"),
        # --- spaces ---------------------------------------------------------------
        Case("spaces lists every space of the token, sorted", ["spaces"],
             out=r"^NAME +ACCESS +PROVIDERS\nEmpty Support .*\n%s .*\n%s .*\nTEM Materials" % (
                 re.escape(KRIOS), re.escape(P11))),
        Case("spaces shows a space without support", ["spaces"],
             out=r"Empty Support +.*no support"),
        Case("spaces marks a read-only support", ["spaces"],
             out=r"%s +read-write +Facility Storage, HPC Centre \(read-only\)" % re.escape(KRIOS)),
        Case("spaces -l adds ids and domains", ["spaces", "-l"],
             out=r"SPACE ID(.|\n)*%s(.|\n)*\[127\.0\.0\.1:\d+\]" % spaces[KRIOS]),
        Case("spaces --json", ["spaces", "--json"],
             check=lambda r, h: sorted(s["name"] for s in _json(r)) == sorted(spaces)
             and all(s["spaceId"] == spaces[s["name"]] for s in _json(r))
             and {p["name"] for s in _json(r) if s["name"] == KRIOS for p in s["providers"]}
             == {"Facility Storage", "HPC Centre"}),
        Case("a user with no space is told so", ["spaces"], user="dave",
             err=r"reaches no space"),
        # --- ls ---------------------------------------------------------------------
        Case("ls without arguments lists the spaces", ["ls"],
             out=r"^Empty Support\n%s\n%s\nTEM Materials\n$" % (re.escape(KRIOS), re.escape(P11))),
        Case("ls of a space root", ["ls", KRIOS],
             out=r"^Atlas\nEpuSession.dm\nGainReference_K3_20251112.mrc\nImages-Disc1\n"),
        Case("ls -l shows mode, size and time", ["ls", "-l", KRIOS],
             out=r"-rw-rw-r-- +32 MiB +2025-11-12 \d\d:\d\d  GainReference_K3_20251112.mrc\n"
                 r"drwxrwxr-x +- +2025-11-12 \d\d:\d\d  Images-Disc1\n"),
        Case("ls of a path with UTF-8 names", ["ls", KRIOS + "/Probe Müller (Ø 3 mm)"],
             rc=0),
        Case("ls with a leading slash, . and ..", ["ls", "/" + KRIOS + "/./Atlas/../Atlas"],
             out=r"^Atlas_1\.jpg\nAtlas_1\.mrc\nAtlas_1\.xml\n$"),
        Case("ls of a file shows the file", ["ls", "-l", KRIOS + "/EpuSession.dm"],
             out=r"^-rw-rw-r-- .* EpuSession\.dm\n$"),
        Case("ls --json gives exact names, ids, types and sizes", ["ls", "--json", KRIOS],
             check=lambda r, h: _names(r)[:3] == ["Atlas", "EpuSession.dm",
                                                  "GainReference_K3_20251112.mrc"]
             and all(len(e["fileId"]) > 40 for e in _json(r))
             and [e["type"] for e in _json(r)][:3] == ["DIR", "REG", "REG"]
             and _json(r)[2]["size"] == 32 << 20 and _json(r)[0]["size"] is None
             and _json(r)[1]["posixPermissions"] == "664"),
        Case("ls -R walks the tree", ["ls", "-R", P11],
             out=r"^%s:\np700123\n\n%s/p700123:\n(.|\n)*r0034/logs:\nscan_r0034\.log" % (
                 re.escape(P11), re.escape(P11))),
        Case("ls -R --json gives relative paths", ["ls", "-R", "--json", P11],
             check=lambda r, h: "p700123/r0034/p700123_r0034_data_000008.h5"
             in [e["path"] for e in _json(r)]
             and len({e["fileId"] for e in _json(r)}) == len(_json(r))),
        Case("several targets get headers", ["ls", P11, "TEM Materials"],
             out=r"^%s:\np700123\n\nTEM Materials:\n2025-03-18 NiTi alloy\n" % re.escape(P11)),
        Case("hostile names print escaped, never raw", ["ls", "-l", KRIOS + "/hostile"],
             out=r"\\e\[31mred\\e\[0m\.tiff\n(.|\n)*\\e\]0;pwned\\x07\n(.|\n)*c1\\u\{009b\}31mcsi"
                 r"(.|\n)*invoice\\u\{202e\}fdp\.exe(.|\n)*line one\\nline two\.txt(.|\n)*"
                 r"nul\\x00byte\.txt",
             check=lambda r, h: _no_control_bytes(r.out)),
        Case("hostile names in JSON are exact and escaped", ["ls", "--json", KRIOS + "/hostile"],
             check=lambda r, h: all(n in _names(r) for n in HOSTILE)
             and not re.search(rb"[\x00-\x1f\x7f]", r.out.rstrip(b"\n"))
             and b"\\u001b" in r.out and b"\\u0000" in r.out and b"\\u202e" in r.out),
        Case("in the C locale, non-ASCII names are escaped too", ["ls", KRIOS],
             locale="C", out=r"Probe M\\u\{00fc\}ller \(\\u\{00d8\} 3 mm\)",
             check=lambda r, h: all(b < 0x80 for b in r.out)),
        Case("a missing path: exit 1", ["ls", KRIOS + "/no such folder"], rc=1,
             err=r"^onetui: Cannot access %s/no such folder: No such file or directory\n$" %
             re.escape(KRIOS)),
        Case("a path above the space root: exit 1", ["ls", KRIOS + "/../x"], rc=1,
             err=r"goes above the space root"),
        Case("an unknown space: exit 1", ["ls", "No Such Space"], rc=1,
             err=r"no space \"No Such Space\" among the 4 spaces"),
        Case("a space without support: exit 1", ["ls", "Empty Support"], rc=1,
             err=r"no supporting provider"),
        Case("a space by id", ["ls", spaces[P11]], out=r"^p700123\n$"),
        # --- stat -------------------------------------------------------------------
        Case("stat of a file", ["stat", KRIOS + "/GainReference_K3_20251112.mrc"],
             out=r"Name: +GainReference_K3_20251112\.mrc\n(.|\n)*Type: +regular file\n"
                 r"Size: +32 MiB \(33554432 bytes\)\nMode: +0664 \(-rw-rw-r--\)\n"
                 r"Owner: +%s(.|\n)*Served by: +(Facility Storage|HPC Centre)" % users["alice"]),
        Case("stat of a directory", ["stat", KRIOS + "/Images-Disc1"],
             out=r"Type: +directory\nSize: +unknown"),
        Case("stat of a space root", ["stat", P11],
             out=r"Parent id: +\(none: the space root\)"),
        Case("stat --json", ["stat", "--json", P11 + "/p700123/r0034/p700123_r0034_master.nxs"],
             check=lambda r, h: _json(r)["path"] == "/%s/p700123/r0034/p700123_r0034_master.nxs" % P11
             and _json(r)["type"] == "REG" and _json(r)["spaceId"] == spaces[P11]
             and _json(r)["size"] > 0 and _json(r)["mtime"] > 1700000000
             and _json(r)["ownerUserId"] == users["alice"]),
        Case("stat of a hostile name is escaped", ["stat", KRIOS + "/hostile/\x1b[31mred\x1b[0m.tiff"],
             out=r"Name: +\\e\[31mred\\e\[0m\.tiff", check=lambda r, h: _no_control_bytes(r.out)),
        Case("stat of a missing file: exit 1", ["stat", P11 + "/nothing"], rc=1,
             err=r"No such file or directory"),
        # --- info -------------------------------------------------------------------
        Case("info: replicas, dataset, QoS and share of a run's file", ["info", RUN34 + "/p700123_r0034_master.nxs"],
             out=r"Replicas: +Facility Storage: complete, [\d.]+ KiB\n"
                 r"Datasets: +/%s/p700123/r0034: attached, data protected\nProtection: +data protected\n"
                 r"QoS: +impossible\n +geo=PL, 1 replica: impossible\n"
                 r"Shares: +Run 34, proposal p700123: https://\S+/share/\S+\n +through /%s/p700123/r0034\n$"
                 % (P11, P11)),
        Case("info --json", ["info", "--json", RUN34 + "/p700123_r0034_master.nxs"],
             check=lambda r, h: _json(r)["replicas"][0]["bytesHeld"] == _json(r)["size"]
             and _json(r)["replicas"][0]["providerName"] == "Facility Storage"
             and _json(r)["datasets"]["effectiveProtectionFlags"] == ["data_protection"]
             and not _json(r)["datasets"]["datasets"][0]["direct"]
             and _json(r)["qos"]["status"] == "impossible"
             and _json(r)["qos"]["requirements"][0]["expression"] == "geo=PL"
             and _json(r)["shares"][0]["inherited"] and _json(r)["shares"][0]["name"] == "Run 34, proposal p700123"
             and "dirStats" not in _json(r)),
        Case("info of a movie held in part on the second provider", ["info", MOVIE],
             out=r"Replicas: +Facility Storage: complete, [\d.]+ MiB\n +HPC Centre: 25%%, [\d.]+ KiB of [\d.]+ MiB\n"
                 r"Datasets: +/%s/Images-Disc1: attached, data and metadata protected\n"
                 r"(.|\n)*anyStorage, 2 replicas: pending" % KRIOS),
        Case("info where a provider cannot tell", ["info", KRIOS + "/Sample notes/Grid [3] {retake} (final).txt"],
             out=r"HPC Centre: cannot tell \(Operation failed with POSIX error: enoent\.\)"),
        Case("info of a file in no dataset and no share", ["info", KRIOS + "/GainReference_K3_20251112.mrc"],
             out=r"Datasets: +in no dataset\nProtection: +not protected\n(.|\n)*Shares: +not shared\n$"),
        Case("info of a missing file: exit 1", ["info", P11 + "/nothing"], rc=1,
             err=r"No such file or directory"),
        # --- tokens -------------------------------------------------------------------
        Case("the token from ONEDATA_TOKEN", ["spaces"], user=None,
             env={"ONEDATA_TOKEN": info["tokens"]["bob"]}, out=r"TEM Materials",
             no_out=r"P11"),
        Case("the token from ONECLIENT_ACCESS_TOKEN", ["whoami", "--json"], user=None,
             env={"ONECLIENT_ACCESS_TOKEN": info["tokens"]["carol"]},
             check=lambda r, h: _json(r)["userId"] == users["carol"]
             and _json(r)["token"]["source"] == "ONECLIENT_ACCESS_TOKEN"),
        Case("--token-file wins over ONEDATA_TOKEN", ["whoami", "--json"],
             env={"ONEDATA_TOKEN": info["tokens"]["bob"]},
             check=lambda r, h: _json(r)["userId"] == users["alice"]),
        Case("ONEDATA_TOKEN wins over ONECLIENT_ACCESS_TOKEN", ["whoami", "--json"], user=None,
             env={"ONEDATA_TOKEN": info["tokens"]["bob"],
                  "ONECLIENT_ACCESS_TOKEN": info["tokens"]["carol"]},
             check=lambda r, h: _json(r)["userId"] == users["bob"]),
        Case("no token at all: exit 3", ["spaces"], user=None, rc=3,
             err=r"no access token: use --token-file"),
        Case("a token in the environment is never printed", ["whoami", "-vv"], user=None,
             env={"ONEDATA_TOKEN": info["tokens"]["bob"]},
             check=lambda r, h: info["tokens"]["bob"].encode() not in r.out + r.err),

        # --- datasets (read-only here; dataset.py changes them) ------------------
        Case("dataset ls: the attached top datasets", ["dataset", "ls", "--json", KRIOS],
             check=lambda r, h: [d["name"] for d in _json(r)["datasets"]]
             == ["Images-Disc1", "Processing"]),
        Case("dataset show: effective protection and ancestors",
             ["dataset", "show", KRIOS + "/Images-Disc1/GridSquare_1734460/Data"],
             out=r"Protection +data\n(.|\n)*Effective +data, metadata\n(.|\n)*Ancestors +\w+ +Images-Disc1"),
        Case("archive ls of a dataset without archives", ["archive", "ls", "--json", RUN34],
             out=r"^\[\]$"),

        # --- spaces and members (space.py changes them; these leave them as found) --
        Case("space show: providers and sizes", ["space", "show", "--json", KRIOS],
             check=lambda r, h: _json(r)["totalSize"] == 15 << 40),
        Case("space members --effective: carol through her group",
             ["space", "members", "--effective", "--json", KRIOS],
             check=lambda r, h: [u["username"] for u in _json(r)["users"]] == ["alice", "bob", "carol"]),
        Case("space members as bob: privileges unreadable", ["space", "members", "--json", KRIOS],
             user="bob", check=lambda r, h: _json(r)["groups"][0]["privileges"] is None),
        Case("space privileges: the zone's vocabulary",
             ["space", "privileges", "--json", KRIOS, "--user", "carol"],
             check=lambda r, h: len(_json(r)["vocabulary"]) == 37),
        Case("space privileges: grant", ["space", "privileges", KRIOS, "--group",
                                          "krios-2025-11-collaborators", "--grant", "space_write_data"],
             out=r"space_write_data +x +x"),
        Case("space privileges: and revoke", ["space", "privileges", KRIOS, "--group",
                                               "krios-2025-11-collaborators", "--revoke", "space_write_data"],
             out=r"space_write_data *\n"),
        Case("space rename to the same name", ["space", "rename", "Empty Support", "Empty Support"]),
        Case("space rm-member refused: exit 4", ["space", "rm-member", "--yes", "TEM Materials",
                                                 "--user", "alice"], user="bob", rc=4,
             err=r"needs space_remove_user"),
        # --- shares (read-only here; share.py changes them) ------------------------
        Case("share ls: the shares of every space of the user", ["share", "ls", "--json"],
             check=lambda r, h: sorted(s["shareId"] for s in _json(r)["shares"])
             == sorted(info["shares"].values())),
        Case("share ls of a shared folder", ["share", "ls", RUN34],
             out=r"^SHARE +NAME +SPACE +PUBLIC URL\n\S+ +Run 34, proposal p700123 +%s +https://" % P11),
        Case("share ls --all for a zone admin", ["share", "ls", "--all", "--json"], user="carol",
             check=lambda r, h: len(_json(r)["shares"]) == len(info["shares"])),
        Case("share ls --all without the privilege: exit 4", ["share", "ls", "--all"], rc=4,
             err=r"Cannot list the shares of the zone"),
        Case("share show: name, space, URLs, no handle", ["share", "show", info["shares"]["/" + RUN34]],
             out=r"Name +Run 34, proposal p700123\n(.|\n)*REST URL +https://\S+/public\n(.|\n)*Handle +none"),
        Case("share handle-services", ["share", "handle-services", "--json"], user="carol",
             check=lambda r, h: sorted(s["name"] for s in _json(r)["handleServices"])
             == ["Facility DOI (test)", "Facility Handle.net (test)"]),
    ]
