"""A private CA and server certificates, made with the openssl command.

DATA/tls/ holds ca.pem (give it to clients), server.pem/server.key (SAN
IP:127.0.0.1 and DNS:localhost, served by the Onezone, the Oneproviders and
the trap) and mismatch.pem/mismatch.key (SAN DNS:wrong.example only, served
by the "mismatch" listener so that clients can be tested for refusing a
certificate issued to another name). Existing files are reused.
"""

import os
import shutil
import subprocess
import tempfile

FILES = ("ca.pem", "server.pem", "server.key", "mismatch.pem", "mismatch.key")
DAYS = "3650"


def _openssl(*args, cwd):
    subprocess.run(("openssl",) + args, cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _leaf(work, name, common_name, san, serial):
    ext = os.path.join(work, name + ".ext")
    with open(ext, "w") as out:
        out.write("basicConstraints=critical,CA:FALSE\n"
                  "keyUsage=critical,digitalSignature,keyEncipherment\n"
                  "extendedKeyUsage=serverAuth\n"
                  "subjectAltName=%s\n" % san)
    _openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
             "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
             "-subj", "/O=onetui test zone/CN=" + common_name, cwd=work)
    _openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem",
             "-CAkey", "ca.key", "-set_serial", serial, "-days", DAYS,
             "-sha256", "-extfile", ext, "-out", name + ".pem", cwd=work)


def ensure(tls_dir):
    """Create the certificates unless they all exist; returns tls_dir."""
    if all(os.path.exists(os.path.join(tls_dir, f)) for f in FILES):
        return tls_dir
    os.makedirs(tls_dir, exist_ok=True)
    work = tempfile.mkdtemp(prefix="tls-", dir=tls_dir)
    try:
        _openssl("req", "-x509", "-new", "-newkey", "ec",
                 "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                 "-keyout", "ca.key", "-out", "ca.pem", "-days", DAYS, "-sha256",
                 "-subj", "/O=onetui test zone/CN=onetui test zone CA",
                 "-addext", "basicConstraints=critical,CA:TRUE",
                 "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=work)
        _leaf(work, "server", "127.0.0.1", "IP:127.0.0.1,DNS:localhost", "2")
        _leaf(work, "mismatch", "wrong.example", "DNS:wrong.example", "3")
        for name in FILES:
            os.replace(os.path.join(work, name), os.path.join(tls_dir, name))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return tls_dir
