#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""README.md's examples print what README.md says they print.

An example that shows output is a fenced block with lines starting with
"$ ": each is a command (a trailing backslash continues it), and the lines
up to the next "$ " are what it prints, standard error included, as a
terminal shows them. Each command runs with bash in the build tree, with
the build tree's tools first on PATH, XDG_RUNTIME_DIR a private scratch
folder, and NLIPC_CONNECT pointing at an nlipcd with the user backend that
this script starts, so a command without -c reaches that rather than a
module. Compared after normalising only what must vary: times (1.3s,
0.012 ms) and the TCP/UDP ports of the example, which are replaced by free
ones so that parallel runs do not collide.

A command ending in "&" starts a daemon: it runs in the background, is
waited for until every unix: and tcp:// URL on its command line answers,
and is stopped at the end of its block. What it prints is not compared (a
terminal interleaves it with the other commands' output, and adds the
shell's job line), so the README shows nothing after it.

Examples that cannot run here are listed in NEEDS_VM, with the reason,
and reported as skipped; so are those of NEEDS_FAMILIES where the kernel
lacks a family they query or its spec (from linux-source-6.12, in
NLIPC_SPEC_PATH for them); a mismatch the project knows about is in KNOWN,
with a pattern of the known output, and reported as TODO while the output
is that one (automake counts it as XFAIL; as a failure once it passes:
remove it from KNOWN then); any other output fails.
"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nlipctest import tap  # noqa: E402
from nlipctest.daemon import free_port  # noqa: E402
from nlipctest.kernel_specs import TARBALL, extract, spec_dir  # noqa: E402

SRC = os.environ.get("top_srcdir", ".")
BUILD = os.environ.get("top_builddir", ".")
NLIPC = f"{BUILD}/tools/nlipc/nlipc"
NLIPCD = f"{BUILD}/tools/nlipcd/nlipcd"

# First command of a block -> why it cannot run against the user backend.
NEEDS_VM = {
    "tools/nlipc-vm -- tools/nlipc-bench/nlipc-bench":
        "needs the module in a guest (make demo runs it); its figures are "
        "one machine's, not reproducible",
}

# First command of a block -> the kernel families it queries over
# netlink, whose specs come from linux-source-6.12 (nlipctest/kernel_specs).
NEEDS_FAMILIES = {
    "nlipcd --backend user --bridge-family netdev --bridge-family "
    "ethtool:read-only tcp://127.0.0.1:7334 &": ("netdev", "ethtool"),
}

# Command -> (the known reason its output differs from the README's, a
# pattern of that known output). Output that differs otherwise fails.
KNOWN = {}

def examples(text):
    """(line number, [(command, [expected lines])]) per transcript."""
    blocks, block, start, fenced = [], None, 0, False
    for i, line in enumerate(text.splitlines(), 1):
        if line.startswith("```"):
            if fenced and block:
                blocks.append((start, block))
            fenced, block, start = not fenced, [], i + 1
            continue
        if not fenced:
            continue
        if line.startswith("$ "):
            block.append([line[2:], []])
        elif block and block[-1][0].endswith("\\") and not block[-1][1]:
            block[-1][0] = block[-1][0][:-1] + "\n" + line
        elif block:
            block[-1][1].append(line)
    return blocks


def normalise(lines, ports):
    out = []
    for line in lines:
        for mine, theirs in ports.items():
            line = re.sub(rf"(?<=:){mine}\b", str(theirs), line)
        line = re.sub(r"\b\d+(\.\d+)?\s?(ms|µs|us|s)\b", "<time>", line)
        out.append(line.rstrip())
    while out and not out[-1]:
        out.pop()
    return out


def wait_ready(cmd, env, proc):
    """Until each unix: and tcp:// URL of @cmd answers, for 10 s."""
    urls = re.findall(r"\b((?:unix|tcp)[:+][^\s'\"]+)", cmd)
    deadline = time.monotonic() + 10
    for url in urls:
        url = os.path.expandvars(url.replace("$XDG_RUNTIME_DIR",
                                             env["XDG_RUNTIME_DIR"]))
        while True:
            if proc.poll() is not None:
                return f"exited with {proc.returncode}"
            r = subprocess.run([NLIPC, "-t", "1", "-c", url, "info"],
                               env=env, capture_output=True)
            if r.returncode == 0:
                break
            if time.monotonic() > deadline:
                return f"{url} does not answer"
            time.sleep(0.05)
    return None


def run_block(line, block, env):
    ports = {}
    for cmd, _ in block:
        for p in re.findall(r"(?:tcp|udp)://[^\s:]+:(\d+)", cmd):
            ports.setdefault(p, free_port())
    daemons = []
    try:
        for cmd, expected in block:
            # A '#' would start a TAP directive: the comment stays out.
            what = f"README.md:{line}: {cmd.splitlines()[0].split('#')[0].strip()}"
            real = cmd
            for theirs, mine in ports.items():
                real = re.sub(rf"(?<=:){theirs}\b", str(mine), real)
            if real.rstrip().endswith("&"):
                proc = subprocess.Popen(
                    ["bash", "-c", "exec " + real.rstrip()[:-1]], cwd=BUILD,
                    env=env, stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL, start_new_session=True)
                daemons.append(proc)
                err = wait_ready(real, env, proc)
                tap.point(err is None and not expected, what,
                          ([err] if err else []) +
                          ["a background command shows no output"] * bool(expected))
                continue
            try:
                r = subprocess.run(["bash", "-c", real], cwd=BUILD, env=env,
                                   stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True,
                                   timeout=30)
                got = r.stdout.splitlines()
            except subprocess.TimeoutExpired:
                got = ["(no end after 30 s)"]
            want = normalise(expected, {})
            got = normalise(got, {v: k for k, v in ports.items()})
            diag = []
            if got != want:
                diag = ["the README shows:"] + [f"  {l}" for l in want] + \
                    ["it prints:"] + [f"  {l}" for l in got]
            key = cmd.split("#")[0].strip()
            directive = ""
            # Known: what the README shows, then the known extra output.
            if key in KNOWN and got[:len(want)] == want and (
                    got == want or re.search(KNOWN[key][1], "\n".join(got))):
                directive = f" # TODO {KNOWN[key][0]}"
            tap.point(got == want, what, diag, directive)
    finally:
        for proc in daemons:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def kernel_specs(env):
    """NLIPC_SPEC_PATH set to the kernel's specs, or why it cannot be."""
    if not os.path.exists(TARBALL):
        return f"{TARBALL} is missing (apt-get install linux-source-6.12)"
    env["NLIPC_SPEC_PATH"] = spec_dir(extract())
    return None


def missing_family(families, env, specs_why):
    """Why a block querying @families cannot run here, or None."""
    if specs_why:
        return specs_why
    for fam in families:
        r = subprocess.run([NLIPC, "-c", "netlink:", "--family", "nlctrl",
                            "--do", "getfamily", "--json",
                            f'{{"family-name": "{fam}"}}'],
                           env=env, capture_output=True)
        if r.returncode:
            return f"the kernel has no {fam} family"
    return None


def main():
    with open(f"{SRC}/README.md", encoding="utf-8") as f:
        blocks = examples(f.read())
    tmp = tempfile.mkdtemp(prefix="nlipc-readme.")
    os.chmod(tmp, 0o700)
    env = dict(os.environ, XDG_RUNTIME_DIR=tmp, LC_ALL="C.UTF-8",
               PATH=f"{BUILD}/tools/nlipc:{BUILD}/tools/nlipcd:"
                    f"{BUILD}/tools/nlipc-bench:{os.environ['PATH']}",
               NLIPC_CONNECT=f"unix:{tmp}/default.sock")
    env.pop("NLIPC_TAP", None)
    specs_why = kernel_specs(env)
    daemon = subprocess.Popen([NLIPCD, "-q", "--backend", "user",
                               f"unix:{tmp}/default.sock"],
                              start_new_session=True)
    try:
        err = wait_ready(f"unix:{tmp}/default.sock", env, daemon)
        tap.point(err is None, "nlipcd --backend user answers for the examples",
                  [err] if err else [])
        tap.point(len(blocks) > 0, f"README.md has {len(blocks)} examples "
                  "that show output")
        for line, block in blocks:
            first = block[0][0].split("#")[0].strip()
            why = NEEDS_VM.get(first)
            if first in NEEDS_FAMILIES:
                why = missing_family(NEEDS_FAMILIES[first], env, specs_why)
            if why:
                for cmd, _ in block:
                    tap.skip(f"README.md:{line}: "
                             f"{cmd.splitlines()[0].split('#')[0].strip()}",
                             why)
                continue
            run_block(line, block, env)
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        daemon.wait()
        subprocess.run(["rm", "-rf", tmp])
    tap.plan()
    return 0


if __name__ == "__main__":
    sys.exit(main())
