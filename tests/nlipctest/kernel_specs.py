# SPDX-License-Identifier: GPL-2.0-or-later
"""The kernel's YNL CLI and specs, from Debian's linux-source-6.12 tarball:
only tools/net/ynl and Documentation/netlink are extracted, once per build
tree, under a lock, so tests running side by side share one copy."""
import fcntl
import os
import shutil
import subprocess

BUILD = os.environ.get("top_builddir", ".")
TARBALL = os.environ.get("LINUX_SOURCE_TARBALL",
                         "/usr/src/linux-source-6.12.tar.xz")
CACHE = f"{BUILD}/tests/cache/ynl-6.12"
TOP = "linux-source-6.12"


def _fresh():
    stamp = f"{CACHE}/.stamp"
    return os.path.exists(stamp) and \
        os.path.getmtime(stamp) >= os.path.getmtime(TARBALL)


def extract():
    """The extracted tree's top directory."""
    # Already there: no lock, so a guest, which sees the tree read-only,
    # can use what the host extracted.
    if _fresh():
        return f"{CACHE}/{TOP}"
    os.makedirs(os.path.dirname(CACHE), exist_ok=True)
    with open(f"{CACHE}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _fresh():
            return f"{CACHE}/{TOP}"
        shutil.rmtree(CACHE, ignore_errors=True)
        os.makedirs(CACHE)
        subprocess.run(["tar", "-xf", TARBALL, "-C", CACHE, "--wildcards",
                        f"{TOP}/tools/net/ynl/*",
                        f"{TOP}/Documentation/netlink/*"], check=True)
        open(f"{CACHE}/.stamp", "w").close()
    return f"{CACHE}/{TOP}"


def spec_dir(root):
    return f"{root}/Documentation/netlink/specs"


if __name__ == "__main__":
    # For shell tests (python3 -m nlipctest.kernel_specs): where they are.
    print(spec_dir(extract()))
