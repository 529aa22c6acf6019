#!/usr/bin/env python3
"""Headless Chromium from Debian's `chromium` package, for the dashboards' browser test.

    python scripts/chromium.py          # install it when /usr/bin/chromium is missing (root, apt-get)

The test command (scripts/run_tests.py) calls this before pytest, so a fresh CI
machine (root, network to Debian) gets the browser; a machine that has it skips
the install. Playwright drives this binary: `playwright install` (which
downloads its own browsers from a CDN) is never used.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# fonts-liberation: a fresh image may have no fonts at all, and the screenshots must show text
PACKAGES = ["chromium", "fonts-liberation"]

# Flags for a quiet, reproducible headless run: no GPU, no sandbox (CI runs as root), no network of its own.
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class ChromiumMissing(RuntimeError):
    pass


def chromium_path() -> Path:
    """The Debian chromium binary, or a clear error saying how to get it."""
    if CHROMIUM.exists():
        return CHROMIUM
    raise ChromiumMissing(
        f"{CHROMIUM} not found: install Debian's chromium package "
        "(`python3 scripts/chromium.py` as root, or `sudo apt-get install chromium`)"
    )


def ensure_chromium() -> Path:
    """Install Debian's chromium when it is missing; needs root (as CI runs)."""
    if CHROMIUM.exists():
        print(f"{CHROMIUM} present: nothing to install", flush=True)
        return CHROMIUM
    if os.geteuid() != 0:
        raise ChromiumMissing(f"{CHROMIUM} not found and not root: run `sudo apt-get install chromium`")
    if shutil.which("apt-get") is None:
        raise ChromiumMissing(f"{CHROMIUM} not found and no apt-get: install Chromium with your package manager")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *PACKAGES], check=True, env=env)
    return chromium_path()


def main() -> int:
    try:
        path = ensure_chromium()
    except (ChromiumMissing, subprocess.CalledProcessError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    version = subprocess.run([str(path), "--version"], capture_output=True, text=True, check=False)
    print(version.stdout.strip() or version.stderr.strip(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
