"""Property: every structure survives model -> XML -> XSD -> pipeline -> model unchanged.

Instances are drawn from the models' own declarations (``tests/support/strategies``),
serialised by the codec, validated by the structure's XSD (``encode`` refuses an
invalid document) and read back through the whole validation pipeline.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from sanmeasures.contract.catalogue import structures
from sanmeasures.contract.pipeline import encode, validate_document
from tests.support import strategies

ROUND_TRIP = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


def _declaring(code: str):  # type: ignore[no-untyped-def]
    """The header's csdo:EDocCode must name the structure (pipeline rule header.edoc_code)."""

    def fix(document):  # type: ignore[no-untyped-def]
        header = getattr(document, "e_doc_header", None)
        if header is not None:
            header.e_doc_code = code
        return document

    return fix


@pytest.mark.parametrize("code", list(structures()))
def test_round_trip(code: str) -> None:
    structure = structures()[code]

    @ROUND_TRIP
    @given(strategies.for_model(structure.root).map(_declaring(code)))
    def check(document) -> None:  # type: ignore[no-untyped-def]
        data = encode(document)
        report = validate_document(data)
        assert report.ok, [issue.one_line() for issue in report.issues]
        assert report.document == document

    check()
