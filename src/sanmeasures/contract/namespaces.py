"""XML namespaces of the EEC structures the node speaks.

Prefixes are the ones the EEC dictionaries use (``../shared/eec``); a document
may bind any prefix it likes, the codec works on namespace URIs only.
"""

from __future__ import annotations

BDT = "urn:EEC:M:BaseDataTypes:v0.4.12"
CSDO = "urn:EEC:M:SimpleDataObjects:v0.4.12"
CCDO = "urn:EEC:M:ComplexDataObjects:v0.4.12"
SMSDO = "urn:EEC:M:SM:SimpleDataObjects:v0.3.9"
SMCDO = "urn:EEC:M:SM:ComplexDataObjects:v0.3.9"

#: Shared module prefixes, declared on the root of every document we write.
MODULE_PREFIXES: dict[str, str] = {
    "ccdo": CCDO,
    "csdo": CSDO,
    "smcdo": SMCDO,
    "smsdo": SMSDO,
}

#: Every prefix a field declaration may use in ``el("prefix:Name")``.
#: Structure namespaces register themselves here (see ``register_prefix``).
PREFIXES: dict[str, str] = dict(MODULE_PREFIXES)
URI_TO_PREFIX: dict[str, str] = {uri: prefix for prefix, uri in MODULE_PREFIXES.items()}


def register_prefix(prefix: str, uri: str) -> None:
    """Bind a structure's own namespace to a code-level prefix (used in field declarations)."""
    bound = PREFIXES.get(prefix)
    if bound is not None and bound != uri:
        raise ValueError(f"prefix {prefix!r} is already bound to {bound!r}")
    PREFIXES[prefix] = uri
    URI_TO_PREFIX.setdefault(uri, prefix)


def clark(qname: str) -> str:
    """``csdo:EDocId`` -> ``{urn:EEC:M:SimpleDataObjects:v0.4.12}EDocId``."""
    prefix, _, local = qname.partition(":")
    if not local:
        raise ValueError(f"element name {qname!r} needs a prefix")
    try:
        return f"{{{PREFIXES[prefix]}}}{local}"
    except KeyError:
        raise ValueError(f"unknown namespace prefix {prefix!r} in {qname!r}") from None


def prefixed(tag: str, root_namespace: str | None = None) -> str:
    """Clark name -> ``prefix:Local`` for messages and XPaths (``doc`` for the root's namespace)."""
    if not tag.startswith("{"):
        return tag
    uri, _, local = tag[1:].partition("}")
    if uri == root_namespace:
        return f"doc:{local}"
    prefix = URI_TO_PREFIX.get(uri)
    return f"{prefix}:{local}" if prefix else tag
