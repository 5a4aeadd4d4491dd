#!/usr/bin/env python3
"""The type stubs of frontdoor._frontdoor (python/frontdoor/_frontdoor.pyi), generated from the
built module by pybind11-stubgen, so that they cannot drift from the binding.

    python3 scripts/python_stubs.py --write [BUILD_DIR]   # regenerate the checked-in stub
    python3 scripts/python_stubs.py --check [BUILD_DIR]   # exit 1 with a diff when it is stale

BUILD_DIR is the CMake build tree (default: build); its python/ folder holds the importable
package. Exit 77 (a skip for ctest) when pybind11-stubgen or the built module is missing.
The output is made deterministic: stubgen writes each scope's members sorted by name, module
attributes lose this build's values (HAVE_ANALYSIS, __version__), and anything that looks like a memory address or a path on this machine fails the
run rather than being checked in.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent
STUB = SOURCE / "python" / "frontdoor" / "_frontdoor.pyi"
MODULE = "frontdoor._frontdoor"
SKIP = 77
HEADER = (
    "# Generated from the built module by scripts/python_stubs.py (pybind11-stubgen); do not edit.\n"
    "# Use the `frontdoor` package, not this module: its names and shapes may change between versions.\n"
)


def generate(package_dir: Path) -> str:
    """The stub text for the module importable from package_dir."""
    env = dict(os.environ, PYTHONPATH=str(package_dir))
    with tempfile.TemporaryDirectory() as out:
        run = subprocess.run(
            [sys.executable, "-m", "pybind11_stubgen", "--exit-code", "--numpy-array-remove-parameters", "-o", out, MODULE],
            env=env, capture_output=True, text=True, cwd=out)
        if run.returncode != 0:
            sys.stderr.write(run.stdout + run.stderr)
            raise SystemExit("python_stubs: pybind11-stubgen failed (above)")
        text = (Path(out) / "frontdoor" / "_frontdoor.pyi").read_text(encoding="utf-8")
    return normalize(text, package_dir)


def normalize(text: str, package_dir: Path) -> str:
    problems = []
    if re.search(r"\b0x[0-9a-fA-F]{6,}\b", text):
        problems.append("a memory address (a default value without a readable repr?)")
    for place in {str(SOURCE), str(package_dir.resolve()), str(Path.home())}:
        if place and place != "/" and place in text:
            problems.append(f"a path on this machine ({place})")
    if problems:
        raise SystemExit("python_stubs: the generated stub holds " + "; ".join(problems))
    # Module attributes are written with this build's values (HAVE_ANALYSIS is false where Z3 was
    # not found, __version__ moves with every release): only their types belong in the stub.
    text = re.sub(r"^(\w+): (\w+) = .*$", r"\1: \2", text, flags=re.MULTILINE)
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return HEADER + "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="regenerate python/frontdoor/_frontdoor.pyi")
    mode.add_argument("--check", action="store_true", help="fail with a diff when it is stale")
    parser.add_argument("build_dir", nargs="?", default=str(SOURCE / "build"))
    args = parser.parse_args()

    try:
        import pybind11_stubgen  # noqa: F401
    except ImportError:
        print("python_stubs: skipped: pybind11-stubgen is not installed (pip install -r requirements-dev.txt)")
        return SKIP
    package_dir = Path(args.build_dir).resolve() / "python"
    if not any((package_dir / "frontdoor").glob("_frontdoor*.so")) and not any((package_dir / "frontdoor").glob("_frontdoor*.pyd")):
        print(f"python_stubs: skipped: the module is not built under {package_dir}")
        return SKIP

    fresh = generate(package_dir)
    if args.write:
        STUB.write_text(fresh, encoding="utf-8")
        print(f"python_stubs: wrote {STUB.relative_to(SOURCE)}")
        return 0
    current = STUB.read_text(encoding="utf-8") if STUB.exists() else ""
    if current == fresh:
        print(f"python_stubs: {STUB.relative_to(SOURCE)} is up to date")
        return 0
    diff = difflib.unified_diff(current.splitlines(keepends=True), fresh.splitlines(keepends=True),
                                "python/frontdoor/_frontdoor.pyi (checked in)", "python/frontdoor/_frontdoor.pyi (from the module)")
    sys.stdout.writelines(diff)
    print("python_stubs: the checked-in stub is stale: run `python3 scripts/python_stubs.py --write` and commit it")
    return 1


if __name__ == "__main__":
    sys.exit(main())
