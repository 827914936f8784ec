#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
#
# clients.py - hostile and crowded clients of coopvmmd's control socket,
# and a hostile daemon, for tests/hostile/run.
#
#   clients.py flood SOCK N SECONDS      keep N idle connections, reconnecting
#                                        whatever the daemon closes
#   clients.py noread SOCK N CMD SECONDS N clients send CMD, never read
#   clients.py burst SOCK N CMD          N clients send CMD at once and read
#                                        the replies; prints "T0 T1 OK" (monotonic)
#   clients.py fakesrv SOCK              answer one request with terminal escapes
#   clients.py stamp LOG                 copy stdin to LOG, each line stamped
#                                        with CLOCK_MONOTONIC
import json
import os
import resource
import socket
import sys
import threading
import time


def req(cmd):
    return ('{"version":1,"command":"%s"}\n' % cmd).encode()


def flood(path, n, secs):
    resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))
    conns = []
    t0 = time.monotonic()
    while time.monotonic() - t0 < secs:
        while len(conns) < n:
            s = socket.socket(socket.AF_UNIX)
            s.setblocking(False)
            try:
                s.connect(path)
            except OSError:
                s.close()
                break
            conns.append(s)
        time.sleep(0.01)
        alive = []
        for s in conns:
            try:
                if s.recv(4096):
                    s.close()           # refused: told so, then closed
                    continue
                s.close()
            except BlockingIOError:
                alive.append(s)
            except OSError:
                s.close()
        conns = alive


def noread(path, n, cmd, secs):
    resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))
    cs = []
    for _ in range(n):
        s = socket.socket(socket.AF_UNIX)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(path)
        s.sendall(req(cmd))
        cs.append(s)
    print("sent", len(cs), flush=True)
    time.sleep(secs)


def burst(path, n, cmd):
    ss = []
    for _ in range(n):
        s = socket.socket(socket.AF_UNIX)
        s.connect(path)
        ss.append(s)
    ok = [0]
    t0 = time.clock_gettime(time.CLOCK_MONOTONIC)
    for s in ss:
        s.sendall(req(cmd))

    def rd(s):
        b = b""
        while not b.endswith(b"\n"):
            d = s.recv(1 << 20)
            if not d:
                return
            b += d
        if json.loads(b)["ok"]:
            ok[0] += 1
    ts = [threading.Thread(target=rd, args=(s,)) for s in ss]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    print("%.3f %.3f %d" % (t0, time.clock_gettime(time.CLOCK_MONOTONIC),
                            ok[0]))


def fakesrv(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    s = socket.socket(socket.AF_UNIX)
    s.bind(path)
    s.listen(1)
    c, _ = s.accept()
    c.recv(65536)
    esc = "\u001b"
    dm = {"version": "0.1.0" + esc + "]0;PWNED\u0007", "backend": "replay",
          "schedulers": "credit", "detail": "x", "policy": "p",
          "interval_ms": 1000, "dry_run": False, "paused": False,
          "signals": ["cpu"], "domains": 1, "managed": 1, "polls": 1,
          "decisions": 0, "scheduler_changes": 0, "failed_calls": 0,
          "poll_duration_s": 0.0}
    d = {"domid": 1, "name": "evil" + esc + "[2J" + esc + "[31mRED\r",
         "uuid": "u", "pool": 0, "sched": "credit", "vcpus": 1,
         "managed": True, "unmanaged": None, "class": "io" + esc + "[5m",
         "class_age_s": 1.0, "pinned": False, "reason": "r\u009b1m",
         "signals": ["cpu"], "ioreq_per_s": None, "ioreq_dm_share": None,
         "vbd_iops": None, "net_pkts_per_s": None, "cpu_pct": 1.0,
         "weight": 256, "base_weight": 256, "target_weight": 256, "cap": 0,
         "base_cap": 0, "target_cap": 0}
    rep = {"version": 1, "ok": True, "command": "status", "daemon": dm,
           "domains": [d]}
    c.sendall(json.dumps(rep).encode() + b"\n")
    c.close()


def stamp(log):
    with open(log, "w", buffering=1) as out:
        for line in sys.stdin:
            out.write("%.6f %s" % (time.clock_gettime(time.CLOCK_MONOTONIC),
                                   line))


if __name__ == "__main__":
    m, a = sys.argv[1], sys.argv[2:]
    if m == "flood":
        flood(a[0], int(a[1]), float(a[2]))
    elif m == "noread":
        noread(a[0], int(a[1]), a[2], float(a[3]))
    elif m == "burst":
        burst(a[0], int(a[1]), a[2])
    elif m == "fakesrv":
        fakesrv(a[0])
    elif m == "stamp":
        stamp(a[0])
    else:
        sys.exit("clients.py: unknown mode " + m)
