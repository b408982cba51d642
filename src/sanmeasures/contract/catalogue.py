"""Every structure the node reads and writes, found by code or by root element."""

from __future__ import annotations

from functools import cache

from sanmeasures.contract.namespaces import clark
from sanmeasures.contract.structure import Structure


@cache
def structures() -> dict[str, Structure]:
    """Structure code -> Structure, in a stable order (published first, then ours)."""
    from sanmeasures.contract.structures import (
        additional_info,
        certificate,
        dangerous_product_alert,
        dangerous_product_alert_response,
        information_request,
        laboratory_protocol,
        measure_consideration,
        processing_result,
        public_health_alert,
        receipt,
        sanitary_measure,
    )

    modules = (
        public_health_alert,
        dangerous_product_alert,
        dangerous_product_alert_response,
        processing_result,
        sanitary_measure,
        additional_info,
        measure_consideration,
        certificate,
        laboratory_protocol,
        information_request,
        receipt,
    )
    found: dict[str, Structure] = {}
    for module in modules:
        for structure in getattr(module, "STRUCTURES", None) or (module.STRUCTURE,):
            found[structure.code] = structure
    return found


@cache
def by_root_tag() -> dict[str, Structure]:
    """Clark name of the root element -> Structure."""
    return {clark(s.root.xml_root or ""): s for s in structures().values()}


def structure(code: str) -> Structure:
    try:
        return structures()[code]
    except KeyError:
        known = ", ".join(structures())
        raise KeyError(f"unknown structure {code!r}; known: {known}") from None
