"""The XSD files under ``schemas/xsd/``, compiled once per process with lxml (fast XSD 1.0)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from lxml import etree

from sanmeasures.contract.structure import Structure


def schema_dir() -> Path:
    """``SANMEASURES_SCHEMA_DIR`` or the repository's ``schemas/xsd``."""
    configured = os.environ.get("SANMEASURES_SCHEMA_DIR")
    path = Path(configured) if configured else Path(__file__).resolve().parents[3] / "schemas" / "xsd"
    if not path.is_dir():
        raise FileNotFoundError(f"XSD folder not found: {path} (set SANMEASURES_SCHEMA_DIR)")
    return path


def schema_path(structure: Structure) -> Path:
    return schema_dir() / structure.xsd_file


_per_thread = threading.local()


def compiled_schema(structure: Structure) -> etree.XMLSchema:
    """The compiled schema of a structure, compiled once per thread.

    An ``XMLSchema`` object keeps the error log of its last run, so threads do not share one.
    """
    cache: dict[Path, etree.XMLSchema] | None = getattr(_per_thread, "schemas", None)
    if cache is None:
        cache = _per_thread.schemas = {}
    path = schema_path(structure)
    compiled = cache.get(path)
    if compiled is None:
        # Schema files are ours and trusted; imports are sibling files, never the network.
        parser = etree.XMLParser(no_network=True, resolve_entities=False)
        compiled = cache[path] = etree.XMLSchema(etree.parse(str(path), parser))
    return compiled
