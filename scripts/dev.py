#!/usr/bin/env python3
"""The README's two commands: set up the pinned environment, then build or test.

    python3 scripts/dev.py build [build.py options]   # main job: publish the warehouse
    python3 scripts/dev.py test  [pytest options]     # whole test suite
    python3 scripts/dev.py dashboard [streamlit options]  # the dashboards; builds first if nothing is published

Uses only the standard library, so it runs on a fresh machine with nothing but
Python 3.11. It creates `.venv/` from `requirements.txt` (pinned versions) and
re-installs only when that file changes, then hands over to the script in the
virtual environment.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
VENV_DIR = PROJECT_DIR / ".venv"
REQUIREMENTS = PROJECT_DIR / "requirements.txt"
STAMP = VENV_DIR / ".requirements.sha256"
# where the build publishes by default (scripts/build.py DEFAULT_PUBLISH_PATH); the dashboards read the same variable
WAREHOUSE_ENV = "SALES_KPIS_WAREHOUSE"
DEFAULT_WAREHOUSE = PROJECT_DIR / "warehouse" / "sales_kpis.duckdb"


def venv_python() -> Path:
    return VENV_DIR / "bin" / "python"


def ensure_environment() -> Path:
    """Create or refresh the virtual environment; return its interpreter."""
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if venv_python().exists() and STAMP.exists() and STAMP.read_text().strip() == wanted:
        return venv_python()
    print(f"Installing pinned dependencies into {VENV_DIR} ...", flush=True)
    venv.EnvBuilder(with_pip=True, clear=not STAMP.exists()).create(VENV_DIR)
    pip = [str(venv_python()), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "install", "-r", str(REQUIREMENTS)], check=True)
    STAMP.write_text(wanted + "\n")
    return venv_python()


def dashboard(python: Path, env: dict[str, str], args: list[str]) -> int:
    """Build and publish the warehouse when none is published (or it has no manifest), then serve the dashboards."""
    warehouse = Path(env.get(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE).expanduser().resolve()
    if not (warehouse.exists() and warehouse.with_suffix(".manifest.json").exists()):
        print(f"No published warehouse at {warehouse}: building it first.", flush=True)
        build = [str(python), str(PROJECT_DIR / "scripts" / "build.py"), "--publish-path", str(warehouse)]
        returncode = subprocess.run(build, env=env, cwd=PROJECT_DIR, check=False).returncode
        if returncode != 0:
            print("The build failed, so there is nothing to show: fix what it reports and run again.", file=sys.stderr)
            return returncode
    env = dict(env, **{WAREHOUSE_ENV: str(warehouse)})
    streamlit = [str(python), "-m", "streamlit", "run", str(PROJECT_DIR / "dashboards" / "app.py"), *args]
    return subprocess.run(streamlit, env=env, cwd=PROJECT_DIR, check=False).returncode


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["build", "test", "setup", "dashboard"])
    parser.add_argument("args", nargs="*", help="passed on, exactly as given, to the build or the test runner")
    options = parser.parse_args(argv[:1])
    # everything after the command goes on verbatim (a "--" included), so "test -- -k broken" reaches pytest
    options.args = argv[1:]

    python = ensure_environment()
    if options.command == "setup":
        return 0
    env = dict(os.environ, PATH=f"{VENV_DIR / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    if options.command == "dashboard":
        return dashboard(python, env, options.args)
    script = {"build": "build.py", "test": "run_tests.py"}[options.command]
    return subprocess.run(
        [str(python), str(PROJECT_DIR / "scripts" / script), *options.args], env=env, cwd=PROJECT_DIR, check=False
    ).returncode


if __name__ == "__main__":
    sys.exit(main())
