#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
#
# client.py - raw-socket clients for the control-socket tests: the ones
# coopctl cannot be (malformed, oversized, slow, silent, two hundred at
# once).  Prints one "ok NAME" or "FAIL NAME: why" line per check; the
# runner (tests/ctl/run) counts them.  Times are CLOCK_MONOTONIC, the same
# clock the runner's log stamper uses, so poll gaps can be matched to them.
import json
import os
import select
import socket
import sys
import time

PROTO = 1


def conn(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s


def read_line(s, timeout=5.0):
    """One reply line, or None if the daemon closed first."""
    buf = b""
    end = time.monotonic() + timeout
    while b"\n" not in buf:
        left = end - time.monotonic()
        if left <= 0:
            raise TimeoutError("no reply")
        r, _, _ = select.select([s], [], [], left)
        if not r:
            continue
        d = s.recv(65536)
        if not d:
            return None
        buf += d
    return buf.split(b"\n", 1)[0]


def closed_by_peer(s, timeout=3.0):
    """True if the daemon closes the connection within `timeout`."""
    end = time.monotonic() + timeout
    try:
        while time.monotonic() < end:
            r, _, _ = select.select([s], [], [], end - time.monotonic())
            if r and not s.recv(65536):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    return False


def report(name, ok, why=""):
    print(("ok %s" % name) if ok else ("FAIL %s: %s" % (name, why)))
    sys.stdout.flush()


def bad_requests(path):
    big = b'{"version":1,"command":"status","x":"' + b"a" * 70000 + b'"}\n'
    cases = [
        ("oversized", big, "too long", False),
        ("truncated", b'{"version":1,"command":"sta', "truncated", True),
        ("non-json", b"hello coopvmmd\n", "malformed", False),
        ("not-an-object", b"[1,2,3]\n", "not a JSON object", False),
        ("unknown-command", b'{"version":1,"command":"format-disk"}\n',
         "unknown command", False),
        ("version-mismatch", b'{"version":99,"command":"status"}\n',
         "protocol version 99", False),
        ("no-version", b'{"command":"status"}\n', "version", False),
        ("unknown-argument", b'{"version":1,"command":"status","all":1}\n',
         "unknown argument", False),
        ("duplicate-key",
         b'{"version":1,"command":"status","command":"pause"}\n',
         "malformed", False),
        ("nul-byte", b'{"version":1,"command":"sta\\u0000tus"}\n',
         "malformed", False),
    ]
    for name, data, want, shut in cases:
        try:
            s = conn(path)
            s.sendall(data)
            if shut:
                s.shutdown(socket.SHUT_WR)
            line = read_line(s)
            if line is None:
                report(name, False, "closed without a reply")
                continue
            r = json.loads(line)
            if r.get("ok") is not False or want not in r.get("error", ""):
                report(name, False, "reply %s" % line[:200])
            elif not closed_by_peer(s):
                report(name, False, "connection left open")
            else:
                report(name, True)
            s.close()
        except Exception as e:     # noqa: BLE001 - any failure is a FAIL
            report(name, False, repr(e))


def keepalive(path):
    """Two requests on one connection; a valid one keeps it open."""
    s = conn(path)
    ok = True
    for _ in range(2):
        s.sendall(b'{"version":1,"command":"status"}\n')
        r = json.loads(read_line(s))
        ok = ok and r["ok"] is True and r["version"] == PROTO
    report("two-requests-one-connection", ok)
    s.close()


def many(path, n):
    t0 = time.monotonic()
    socks = [conn(path) for _ in range(n)]
    for s in socks:
        s.sendall(b'{"version":1,"command":"status"}\n')
    good = 0
    for s in socks:
        line = read_line(s, 20)
        if line and json.loads(line).get("ok") is True:
            good += 1
        s.close()
    t1 = time.monotonic()
    print("window %.6f %.6f" % (t0, t1))
    report("%d-simultaneous-clients-served" % n, good == n,
           "%d of %d replies ok" % (good, n))


def silent(path, kind, limit):
    """A client that never completes a request, or never reads."""
    s = conn(path)
    t0 = time.monotonic()
    if kind == "noread":
        s.setblocking(False)
        req = b'{"version":1,"command":"status"}\n' * 64
        try:
            for _ in range(100000):
                s.send(req)
        except BlockingIOError:
            pass
        except (BrokenPipeError, ConnectionResetError):
            pass
        s.setblocking(True)
        # Now it never reads; the daemon must give up on it.  Draining
        # only after `limit` tells whether it was closed meanwhile.
        time.sleep(limit)
        s.setblocking(False)
        gone = False
        try:
            while True:
                d = s.recv(1 << 20)
                if not d:
                    gone = True
                    break
        except BlockingIOError:
            pass
        except ConnectionResetError:
            gone = True
        t1 = time.monotonic()
        print("window %.6f %.6f" % (t0, t1))
        report("client-that-never-reads-dropped", gone,
               "still connected after %.1f s" % (t1 - t0))
        return
    if kind == "trickle":
        data = b'{"version":1,"command":"status"}'
        gone = False
        for i in range(len(data)):
            try:
                s.send(data[i:i + 1])
            except (BrokenPipeError, ConnectionResetError):
                gone = True
                break
            if closed_by_peer(s, 1.0):
                gone = True
                break
            if time.monotonic() - t0 > limit:
                break
        t1 = time.monotonic()
        print("window %.6f %.6f" % (t0, t1))
        report("trickling-client-dropped", gone and t1 - t0 < limit,
               "after %.1f s: %s" % (t1 - t0, "gone" if gone else "there"))
        return
    gone = closed_by_peer(s, limit)
    t1 = time.monotonic()
    print("window %.6f %.6f" % (t0, t1))
    report("client-that-never-sends-dropped", gone and t1 - t0 > 5,
           "after %.1f s: %s" % (t1 - t0, "gone" if gone else "there"))


def trace_server(path):
    """Plays coopvmmd's side of iotrace for coopctl, with fixed records."""
    rec = {"ts_ns": 5000000000, "vcpu": 1, "kind": "pio", "dir": "write",
           "addr": "0x3f8", "size": 1, "count": 1, "data": "0x41",
           "data_is_ptr": False, "rip": "0xffffffff8155a0c3",
           "handler": "dm"}
    mmio = dict(rec, ts_ns=5000250000, kind="mmio", dir="read",
                addr="0xfed000f0", size=4, data="0xa1b2c3d", handler="xen")
    rep = dict(rec, ts_ns=5001000000, dir="read", addr="0x1f0", size=2,
               count=256, data="0x7f3000", data_is_ptr=True)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    c, _ = srv.accept()
    f = c.makefile("rb")
    first = json.loads(f.readline())
    report("iotrace-request", first == {"version": 1, "command": "iotrace",
                                        "domain": "web"}, repr(first))
    base = {"version": 1, "ok": True, "command": "iotrace", "domid": 1,
            "overruns": 0}
    c.sendall(json.dumps(dict(base, name="web", records=[rec, mmio]))
              .encode() + b"\n")
    polls = 0
    for line in f:
        req = json.loads(line)
        polls += 1
        if req != {"version": 1, "command": "iotrace"}:
            report("iotrace-poll-request", False, repr(req))
        recs = [rep] if polls == 1 else []
        over = 7 if polls == 1 else 0
        c.sendall(json.dumps(dict(base, records=recs, overruns=over))
                  .encode() + b"\n")
    report("iotrace-client-polls-then-closes", polls >= 2,
           "%d polls" % polls)


def main():
    path, what = sys.argv[1], sys.argv[2]
    if what == "bad":
        bad_requests(path)
        keepalive(path)
    elif what == "many":
        many(path, int(sys.argv[3]))
    elif what in ("idle", "noread", "trickle"):
        silent(path, what, float(sys.argv[3]))
    elif what == "trace-server":
        trace_server(path)
    elif what == "stamp":
        # Log stamper: prefix each line of stdin with CLOCK_MONOTONIC.
        out = open(path, "w", buffering=1)
        for line in sys.stdin:
            out.write("%.6f %s" % (time.monotonic(), line))
    else:
        sys.exit("client.py: unknown test %s" % what)


if __name__ == "__main__":
    main()
