#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# From ../shared/cases/reliability/gen.py (case K2/K3: the kill loop's
# recording), unchanged but for these lines.
# gen.py OUT NPOLLS NDOM : recording with distinct base weight/cap per domain,
# phases of io / cpu / idle load, and domid reuse (domid NDOM recreated with a
# new uuid and a new base every 100 polls).  Prints the expected bases as JSON.
import sys, json
out, npolls, ndom = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
f = open(out, "w")
f.write("coopvmm-recording 1\nh signals=0xf scheds=credit\n")
exp = {}
def uuid(d, gen): return "c0%02x%04x-0000-4000-8000-%012x" % (gen, d, d)
def meta(d, gen, bw, bc):
    u = uuid(d, gen)
    f.write("m %d %s 1 0 2 credit 0xf 0 -1 vm%d-g%d\n" % (d, u, d, gen))
    f.write("w %d %d %d\n" % (d, bw, bc))
    exp[u] = (bw, bc)
gen = 0
for p in range(npolls):
    f.write("t %d\n" % (0 if p == 0 else 1000000000))
    if p == 0:
        for d in range(1, ndom + 1):
            meta(d, 0, 100 + 50 * d, (d % 3) * 10)
    if p and p % 100 == 0:
        gen += 1
        f.write("x %d\n" % ndom)
        meta(ndom, gen, 1000 + gen, gen % 2 * 25)
    for d in range(1, ndom + 1):
        phase = ((p // 15) + d) % 3
        if phase == 0:   # io: 3000 port writes/s
            f.write("c %d 10000000 0 3000 0 0 0 6000 0 0 0 3000\n" % d)
        elif phase == 1: # cpu hog 95%
            f.write("c %d 950000000\n" % d)
        # phase 2 idle: no line
f.close()
json.dump(exp, open(out + ".expected.json", "w"), indent=0)
print(len(exp), "domain incarnations")
