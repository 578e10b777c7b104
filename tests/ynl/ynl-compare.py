#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""nlipc --spec against the kernel's own YNL CLI, on this host's kernel.

The same requests go through `nlipc -j --spec ... --do/--dump` and the
kernel's YNL library, answering each as `cli.py --spec ... --do/--dump
--output-json` does (ynl-ref.py, one process for all); the parsed answers
must be equal (flag sets, which YNL gives in set order, are compared
sorted). --list-ops and the timings run cli.py itself.
cli.py and the specs come from Debian's linux-source-6.12 tarball: only
tools/net/ynl and Documentation/netlink are extracted, once, into the build
tree. Requests whose family this kernel lacks (nlipc without its module)
are skipped, visibly. Timings of both tools go to the TAP log.

  ynl-compare.py            on this host's kernel
  ynl-compare.py --guest    in a guest (tests/ynl/vm.sh): also fou, after
                            ip fou adds a port; not what does not depend
                            on the kernel (--family, --list-ops, timings)
  ynl-compare.py --extract  only extract, before a guest, which cannot write
"""
import json
import os
import re
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from nlipctest import family, tap  # noqa: E402
from nlipctest.kernel_specs import TARBALL, extract, spec_dir  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.environ.get("top_builddir", ".")
SRC = os.environ.get("top_srcdir", ".")
NLIPC = f"{BUILD}/tools/nlipc/nlipc"

LO = {"header": {"dev-name": "lo"}}
# (spec, do|dump, op, request): requests this host's kernel can answer.
CASES = [
    ("nlctrl", "do", "getfamily", {"family-name": "nlctrl"}),
    ("nlctrl", "do", "getfamily", {"family-name": "netdev"}),
    ("nlctrl", "do", "getfamily", {"family-name": "ethtool"}),
    ("nlctrl", "dump", "getfamily", None),
    ("netdev", "dump", "dev-get", None),
    ("netdev", "do", "dev-get", {"ifindex": 1}),
    ("ethtool", "do", "linkstate-get", LO),
    ("ethtool", "dump", "linkstate-get", None),
    ("ethtool", "do", "features-get", LO),
    ("ethtool", "do", "tsinfo-get", LO),
    ("ethtool", "do", "strset-get", LO),
    ("ethtool", "do", "module-get", LO),
    # Refused by lo: both must fail.
    ("ethtool", "do", "pause-get", LO),
    # nlipc's own spec: only where the module is loaded.
    ("nlipc", "do", "info-get", None),
    ("nlipc", "do", "stats-get", None),
    ("nlipc", "dump", "kv-get", None),
]

# Foo-over-UDP, in a guest (tests/ynl/vm.sh), where the fou module loads:
# a port made by ip fou, read back; a port that is not there.
FOU_PORT = 5555
FOU_CASES = [
    ("fou", "dump", "get", None),
    ("fou", "do", "get", {"port": FOU_PORT, "af": 2}),
    ("fou", "do", "get", {"port": FOU_PORT + 1, "af": 2}),
]

# The same on a veth pair in a private namespace, where the kernel lets
# us make one: ethtool answers more there than on lo.
V0 = {"header": {"dev-name": "v0"}}
NS_CASES = [
    ("netdev", "dump", "dev-get", None),
    ("ethtool", "do", "linkinfo-get", V0),
    ("ethtool", "dump", "linkinfo-get", None),
    ("ethtool", "do", "linkmodes-get", V0),
    ("ethtool", "do", "channels-get", V0),
    ("ethtool", "dump", "channels-get", None),
    ("ethtool", "do", "features-get", V0),
    ("ethtool", "do", "tsinfo-get", V0),
    ("ethtool", "do", "phc-vclocks-get", V0),
    ("ethtool", "do", "strset-get",
     {"header": {"dev-name": "v0"}, "counts-only": True}),
    # EINVAL with an extack: both must fail.
    ("ethtool", "do", "stats-get", V0),
]

def spec_path(root, name):
    if name == "nlipc":
        return f"{SRC}/spec/nlipc.yaml"
    return f"{spec_dir(root)}/{name}.yaml"


def steady(fam, op, v):
    """v without what changes between two requests of the module's: its
    uptime, and the counters of stats-get itself, which each stats-get
    moves (their presence is still compared)."""
    if fam != "nlipc" or not isinstance(v, dict):
        return v
    if op == "info-get" and isinstance(v.get("uptime-ms"), int):
        v = dict(v, **{"uptime-ms": "(a count of ms)"})
    if op == "stats-get":
        me = family.CMD["stats-get"]
        v = dict(v, op=[{k: x if k == "cmd" or e.get("cmd") != me else
                         "(moved by this request)" for k, x in e.items()}
                        for e in v.get("op", [])])
    return v


def norm(v):
    """Flag sets come out of cli.py in set order: compare them sorted."""
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items()}
    if isinstance(v, list):
        items = [norm(x) for x in v]
        if items and all(isinstance(x, str) for x in items):
            return sorted(items)
        return items
    return v


def run(argv, netns=None):
    if netns:
        argv = ["ip", "netns", "exec", netns] + argv
    t = time.monotonic()
    p = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    return p, time.monotonic() - t


def nlipc_argv(spec, mode, op, req):
    argv = [NLIPC, "-j", "--spec", spec, f"--{mode}", op]
    return argv + (["--json", json.dumps(req)] if req is not None else [])


def ynl_argv(cli, schema, spec, mode, op, req):
    root = cli.rsplit("/tools/", 1)[0]
    if not schema and not spec.startswith(root):
        # cli.py looks for the schema beside the kernel's own specs.
        schema = ["--schema", f"{root}/Documentation/netlink/genetlink.yaml"]
    argv = [sys.executable, cli, "--spec", spec, f"--{mode}", op,
            "--output-json"] + schema
    return argv + (["--json", json.dumps(req)] if req is not None else [])


class Reference:
    """The kernel's YNL library answering as cli.py would, one process per
    network namespace for every request (ynl-ref.py): a Python start per
    request costs seconds in an emulated guest."""

    def __init__(self, root, validate):
        self.root, self.validate, self.procs = root, validate, {}

    def schema(self, spec):
        if not self.validate:
            return ""                   # cli.py --no-schema
        if spec.startswith(self.root):
            return None                 # beside the kernel's specs
        return f"{self.root}/Documentation/netlink/genetlink.yaml"

    def ask(self, spec, mode, op, req, netns=None):
        """(exit status, output) as cli.py's would be."""
        proc = self.procs.get(netns)
        if proc is None:
            argv = [sys.executable, f"{HERE}/ynl-ref.py",
                    f"{self.root}/tools/net/ynl"]
            if netns:
                argv = ["ip", "netns", "exec", netns] + argv
            proc = self.procs[netns] = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                text=True)
        try:
            proc.stdin.write(json.dumps({"spec": spec,
                                         "schema": self.schema(spec),
                                         "mode": mode, "op": op,
                                         "req": req}) + "\n")
            proc.stdin.flush()
        except BrokenPipeError:
            return 2, f"ynl-ref.py exited ({proc.wait()})"
        line = proc.stdout.readline()
        if not line:
            return 2, f"ynl-ref.py exited ({proc.wait()})"
        a = json.loads(line)
        return a["rc"], a["out"]

    def close(self, netns=None):
        proc = self.procs.pop(netns, None)
        if proc:
            try:
                proc.stdin.close()
            except BrokenPipeError:
                pass                    # it is gone already
            proc.wait()


def netns_enterable(ns):
    """'' if processes can run in namespace @ns, else why not (in a
    chroot, ip netns exec cannot remount /sys)."""
    p = subprocess.run(["ip", "netns", "exec", ns, "true"],
                       capture_output=True, text=True)
    return "" if p.returncode == 0 else \
        (p.stderr.strip().splitlines() or ["ip netns exec failed"])[-1]


def family_present(root, ref, name):
    return ref.ask(spec_path(root, "nlctrl"), "do", "getfamily",
                   {"family-name": name})[0] == 0


def real_nlipc():
    """The binary, not libtool's wrapper script, whose shell would be timed."""
    real = f"{BUILD}/tools/nlipc/.libs/nlipc"
    if not os.access(real, os.X_OK):
        return [NLIPC]
    return ["env", f"LD_LIBRARY_PATH={BUILD}/lib/.libs", real]


def median_ms(argv, runs=10):
    times = []
    for _ in range(runs):
        p, t = run(argv)
        times.append(t * 1000)
    return statistics.median(times), min(times)


def in_process_ynl(root, runs=200):
    """ynl.py's own cost per request, without the interpreter's start."""
    code = f"""
import sys, time
sys.path.insert(0, {root + '/tools/net/ynl'!r})
from lib import YnlFamily
y = YnlFamily({spec_path(root, 'nlctrl')!r}, None)
t = time.monotonic()
for _ in range({runs}):
    y.do('getfamily', {{'family-name': 'nlctrl'}})
print((time.monotonic() - t) / {runs} * 1e6)
"""
    p = subprocess.run([sys.executable, "-c", code], capture_output=True,
                       text=True, timeout=120)
    return float(p.stdout) if p.returncode == 0 else None


def compare(root, ref, case, present, agree, total, netns=None):
    fam, mode, op, req = case
    what = f"{fam} {mode} {op}" + (f" {json.dumps(req)}" if req else "") + \
        (" on veth" if netns else "")
    if fam not in present:
        present[fam] = family_present(root, ref, fam)
    if not present[fam]:
        tap.skip(what, f"family '{fam}' is not registered on this kernel")
        return
    spec = spec_path(root, fam)
    p1, _ = run(nlipc_argv(spec, mode, op, req), netns)
    rc2, out2 = ref.ask(spec, mode, op, req, netns)
    total[fam] = total.get(fam, 0) + 1
    if p1.returncode or rc2:
        # A request the kernel refuses must fail through both, with
        # the same errno.
        try:
            e1 = json.loads(p1.stdout)["error"]["errno"]
        except (ValueError, KeyError, TypeError):
            e1 = None
        m = re.search(r"error: -(\d+)", out2)
        e2 = int(m.group(1)) if m else None
        ok = bool(p1.returncode) and bool(rc2) and \
            e1 is not None and e1 == e2
        tap.point(ok, f"{what}: both fail with errno {e1}", [
                  f"nlipc: {p1.returncode} {p1.stdout.strip()}",
                  f"ynl:    {rc2} {out2.strip()[:200]}"])
    else:
        try:
            # YNL prints a dump's warning (an extack on its DONE) as
            # text before the JSON line; nlipc leaves it out.
            a = json.loads(p1.stdout)
            b = json.loads(out2.strip().splitlines()[-1])
            a, b = steady(fam, op, a), steady(fam, op, b)
            ok = norm(a) == norm(b)
            diag = [] if ok else [f"nlipc:  {json.dumps(norm(a))[:2000]}",
                                  f"ynl:    {json.dumps(norm(b))[:2000]}"]
        except ValueError as e:
            ok, diag = False, [f"not JSON: {e}", p1.stdout[:500],
                               out2[:500]]
        tap.point(ok, f"{what}: nlipc and YNL agree", diag)
    agree[fam] = agree.get(fam, 0) + (1 if ok else 0)


def compare_subscribe(root, ref, present):
    """netdev's mgmt notifications of a veth pair made in a new namespace,
    as nlipc --subscribe and YNL (cli.py --subscribe) see them."""
    what = "netdev --subscribe mgmt, a veth pair made"
    if "netdev" not in present:
        present["netdev"] = family_present(root, ref, "netdev")
    if not present["netdev"]:
        tap.skip(what, "family 'netdev' is not registered on this kernel")
        return
    ns = f"nlipc-ynl-ntf-{os.getpid()}"
    if subprocess.run(["ip", "netns", "add", ns],
                      capture_output=True).returncode:
        tap.skip(what, "cannot make a namespace here")
        return
    why = netns_enterable(ns)
    if why:
        subprocess.run(["ip", "netns", "del", ns])
        tap.skip(what, f"cannot run in a namespace here: {why}")
        return
    spec = spec_path(root, "netdev")
    try:
        ours = subprocess.Popen(["ip", "netns", "exec", ns, NLIPC, "-j",
                                 "--spec", spec, "--subscribe", "mgmt",
                                 "--duration", "10"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        # YNL answers once it has joined; nlipc, started first, has too.
        # It listens long enough for a loaded machine to start YNL.
        rc, out = ref.ask(spec, "subscribe", "mgmt", None, ns)
        time.sleep(0.5)
        made = subprocess.run(["ip", "-n", ns, "link", "add", "v0", "type",
                               "veth", "peer", "name", "v1"],
                              capture_output=True).returncode == 0
        stdout, stderr = ours.communicate(timeout=30)
        rc2, theirs = ref.ask(spec, "notifications", None, None, ns)
    finally:
        ref.close(ns)
        subprocess.run(["ip", "netns", "del", ns])
    if not made:
        tap.skip(what, "cannot make a veth pair here")
        return
    try:
        a = [json.loads(line) for line in stdout.splitlines()]
        b = json.loads(theirs)
    except ValueError as e:
        tap.point(False, what, [f"not JSON: {e}", stdout[:500], stderr[:500],
                                theirs[:500]])
        return
    ok = ours.returncode == 0 and rc == 0 and rc2 == 0 and \
        len(a) >= 2 and norm(a) == norm(b)
    tap.point(ok, f"{what}: nlipc and YNL see the same {len(a)}",
              [f"nlipc:  {ours.returncode} {json.dumps(norm(a))[:1500]} {stderr[:300]}",
               f"ynl:    {rc2} {json.dumps(norm(b))[:1500]}"])


def fou_port():
    """A fou port for FOU_CASES to read; False where fou is not there."""
    subprocess.run(["modprobe", "-q", "fou"], capture_output=True)
    return subprocess.run(["ip", "fou", "add", "port", str(FOU_PORT),
                           "ipproto", "4"], capture_output=True).returncode == 0


def main():
    guest = "--guest" in sys.argv[1:]
    if "--extract" in sys.argv[1:]:
        print(extract())
        return
    if not os.access(NLIPC, os.X_OK):
        tap.skip_all(f"{NLIPC} is not built")
    if not os.path.exists(TARBALL):
        tap.skip_all(f"{TARBALL} is missing (apt-get install linux-source-6.12)")
    try:
        import yaml  # noqa: F401  (the YNL CLI's spec reader)
    except ImportError:
        tap.skip_all("python3-yaml is missing (the kernel's YNL CLI needs it)")
    # Without jsonschema the YNL CLI can still run, unvalidated.
    try:
        import jsonschema  # noqa: F401
        validate = True
    except ImportError:
        validate = False
    schema = [] if validate else ["--no-schema"]
    if not os.path.exists("/proc/net/netlink"):
        tap.skip_all("no netlink in this kernel")

    root = extract()
    cli = f"{root}/tools/net/ynl/cli.py"
    present = {}
    agree, total = {}, {}
    # Before YNL's first request: it lists the kernel's families once.
    if guest and not fou_port():
        present["fou"] = False          # skipped, visibly, as unregistered
    ref = Reference(root, validate)
    for case in CASES:
        compare(root, ref, case, present, agree, total)
    if guest:
        for case in FOU_CASES:
            compare(root, ref, case, present, agree, total)
    netns = f"nlipc-ynl-{os.getpid()}"
    if guest:       # a guest loads no module on demand
        subprocess.run(["modprobe", "-q", "veth"], capture_output=True)
    made = subprocess.run(["ip", "netns", "add", netns],
                          capture_output=True).returncode == 0
    try:
        if made and (netns_enterable(netns) or subprocess.run(
                ["ip", "-n", netns, "link", "add", "v0", "type", "veth",
                 "peer", "name", "v1"], capture_output=True).returncode):
            made = False
        for case in NS_CASES:
            if not made:
                tap.skip(f"{case[0]} {case[1]} {case[2]} on veth",
                         "cannot make a namespace with a veth pair here")
                continue
            compare(root, ref, case, present, agree, total, netns)
    finally:
        ref.close(netns)
        if made or os.path.exists(f"/run/netns/{netns}"):
            subprocess.run(["ip", "netns", "del", netns])

    if not guest:
        compare_subscribe(root, ref, present)
    if guest:
        tap.diag(["agreement: " + ", ".join(f"{f} {agree[f]}/{total[f]}"
                                            for f in total)])
        ref.close()
        tap.plan()
        return
    ref.close()

    # --family finds the spec on NLIPC_SPEC_PATH, as --spec names it.
    env = dict(os.environ,
               NLIPC_SPEC_PATH=f"/nonexistent:{root}/Documentation/netlink/specs")
    req = {"family-name": "netdev"}
    p1 = subprocess.run([NLIPC, "-j", "--family", "nlctrl", "--do",
                         "getfamily", "--json", json.dumps(req)],
                        capture_output=True, text=True, env=env, timeout=60)
    p2, _ = run(nlipc_argv(spec_path(root, "nlctrl"), "do", "getfamily", req))
    tap.point(p1.returncode == 0 and p1.stdout == p2.stdout,
              "--family nlctrl on NLIPC_SPEC_PATH answers as --spec does",
              [p1.stderr, p1.stdout[:300], p2.stdout[:300]])

    # --list-ops names the ops cli.py --list-ops names.
    for fam in ("nlctrl", "netdev", "ethtool"):
        spec = spec_path(root, fam)
        p1, _ = run([NLIPC, "--spec", spec, "--list-ops"])
        p2, _ = run([sys.executable, cli, "--spec", spec, "--list-ops"] +
                    schema)
        ours = [line.split()[0] for line in p1.stdout.splitlines()]
        theirs = [line.split()[0] for line in p2.stdout.splitlines()]
        tap.point(p1.returncode == 0 and ours == theirs and len(ours) > 1,
                  f"{fam} --list-ops: the {len(ours)} ops cli.py lists",
                  [f"nlipc:  {ours}", f"cli.py: {theirs}"])

    # Side by side: a whole process per request, then ynl.py's own cost.
    spec = spec_path(root, "nlctrl")
    req = {"family-name": "nlctrl"}
    c_med, c_min = median_ms(real_nlipc() +
                             nlipc_argv(spec, "do", "getfamily", req)[1:])
    c_list, _ = median_ms(real_nlipc() + ["--spec", spec, "--list-ops"])
    p_med, p_min = median_ms(ynl_argv(cli, schema, spec, "do", "getfamily",
                                      req))
    p_req = in_process_ynl(root)
    tap.point(c_med > 0 and p_med > 0, "timings taken", [
              "agreement: " + ", ".join(f"{f} {agree[f]}/{total[f]}"
                                  for f in total),
              f"nlipc  one getfamily, whole process: median {c_med:.1f} ms "
              f"(min {c_min:.1f}); spec load alone (--list-ops) {c_list:.1f} ms",
              f"cli.py one getfamily, whole process: median {p_med:.1f} ms "
              f"(min {p_min:.1f})",
              "cli.py per request in one process (YnlFamily.do, 200 runs): " +
              (f"{p_req:.0f} us" if p_req else "n/a")], always=True)
    tap.plan()


main()
