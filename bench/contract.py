"""Documents per second through the whole validation pipeline, next to bare lxml XSD validation.

The document is a realistic Table 3 notification (R.SM.SS.08.002): the example alert grown to
several batches with shipping documents, conformity documents and violations, and several
measures. Each round validates the same set of distinct documents (different EDocIds) on one
core; the figures are the median of the rounds, with the slowest and fastest.

    .venv/bin/python bench/contract.py [--documents 2000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import copy
import statistics
import time
import uuid
from collections.abc import Callable

from lxml import etree

from sanmeasures.contract.catalogue import structure
from sanmeasures.contract.examples import example_document
from sanmeasures.contract.pipeline import encode, validate_document
from sanmeasures.contract.safe_xml import parse_document
from sanmeasures.contract.schemas import compiled_schema

CODE = "R.SM.SS.08.002"


def realistic_alert(batches: int, measures: int):  # type: ignore[no-untyped-def]
    document = example_document(CODE)
    case = document.dangerous_product_alert_details[0]
    product = case.non_compliant_sanitary_product_details
    first = product.non_compliant_sanitary_product_batch_details[0]
    grown = []
    for number in range(batches):
        batch = copy.deepcopy(first)
        batch.batch_details.batch_id = f"0{number + 101}"
        grown.append(batch)
    product.non_compliant_sanitary_product_batch_details = grown
    case.sanitary_measure_base_details = [
        copy.deepcopy(case.sanitary_measure_base_details[i % len(case.sanitary_measure_base_details)])
        for i in range(measures)
    ]
    return document


def distinct_documents(count: int, batches: int, measures: int) -> list[bytes]:
    template = realistic_alert(batches, measures)
    documents = []
    for _ in range(count):
        template.e_doc_header.e_doc_id = str(uuid.uuid4())
        documents.append(encode(template, pretty=True))
    return documents


def rate(documents: list[bytes], work: Callable[[bytes], object], rounds: int) -> tuple[float, float, float]:
    figures = []
    for _ in range(rounds):
        started = time.perf_counter()
        for data in documents:
            work(data)
        figures.append(len(documents) / (time.perf_counter() - started))
    return statistics.median(figures), min(figures), max(figures)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batches", type=int, default=3)
    parser.add_argument("--measures", type=int, default=2)
    args = parser.parse_args()

    documents = distinct_documents(args.documents, args.batches, args.measures)
    schema = compiled_schema(structure(CODE))
    root_model = structure(CODE).root
    elements = sum(1 for _ in etree.fromstring(documents[0]).iter())
    assert validate_document(documents[0]).ok

    def pipeline(data: bytes) -> None:
        assert validate_document(data).ok

    def bare_lxml(data: bytes) -> None:
        assert schema.validate(etree.fromstring(data))

    def parse_only(data: bytes) -> None:
        parse_document(data)

    parsed = [parse_document(d).root for d in documents]
    by_id = {id(d): p for d, p in zip(documents, parsed, strict=True)}

    def model_only(data: bytes) -> None:
        root_model.model_validate(root_model.read_element(by_id[id(data)]))

    print(
        f"document: {CODE}, {args.batches} batches, {args.measures} measures, "
        f"{elements} elements, {len(documents[0]):,} bytes"
    )
    print(f"{args.documents} distinct documents x {args.rounds} rounds, one core\n")
    results = {}
    for name, work in (
        ("whole pipeline (parse, XSD, model, rules)", pipeline),
        ("bare lxml (parse + XSD validate)", bare_lxml),
        ("  of which: hardened parse", parse_only),
        ("  of which: model + rules on a parsed tree", model_only),
    ):
        median, low, high = rate(documents, work, args.rounds)
        results[name] = median
        print(f"{name:45} {median:8,.0f} docs/s  (min {low:,.0f}, max {high:,.0f})")
    whole = results["whole pipeline (parse, XSD, model, rules)"]
    bare = results["bare lxml (parse + XSD validate)"]
    print(f"\nratio pipeline / bare lxml: {whole / bare:.2f} (bare lxml is the floor we cannot beat)")
    print(f"target 2,000 docs/s: {'met' if whole >= 2000 else 'NOT met'}")


if __name__ == "__main__":
    main()
