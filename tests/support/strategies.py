"""Hypothesis strategies built from the contract models themselves.

Every field declares its XSD facets (StringConstraints, Field bounds) and its
value rules (the AfterValidators of ``sanmeasures.contract.rules``); this
module reads those declarations and draws values that satisfy them, so a
model instance drawn here is valid by construction. Models with cross-field
rules of their own register a strategy with :func:`register`.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from decimal import Decimal
from typing import Any

import annotated_types
from hypothesis import strategies as st
from lxml import etree
from pydantic import AfterValidator, BeforeValidator
from pydantic.types import StringConstraints

from sanmeasures.contract import rules
from sanmeasures.contract import simple_types as simple
from sanmeasures.contract.classifiers import code_list
from sanmeasures.contract.simple_content import AnyDetails, CountryCode, DiseaseHealthProblemCode
from sanmeasures.contract.xmlmodel import XmlModel

# Letters a national system really writes: Latin, Cyrillic (incl. Kazakh), digits, punctuation.
_ALPHABET = (
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюяӘәҒғҚқҢңӨөҰұҮүҺһІі"
    " .,;:-()/«»№%\"'&<>"
)
_TEXT_ALPHABET = _ALPHABET + "\n\t"
_MAX_LIST = 2

_OVERRIDES: dict[type[XmlModel], st.SearchStrategy[Any]] = {}
_FIXERS: dict[type[XmlModel], Any] = {}


def register(model: type[XmlModel], strategy: st.SearchStrategy[Any]) -> None:
    """Use ``strategy`` for ``model`` (a model with cross-field rules the generic builder can't know)."""
    _OVERRIDES[model] = strategy


def fixer(model: type[XmlModel]):  # type: ignore[no-untyped-def]
    """Decorator: adjust a drawn field dict of ``model`` so its cross-field rules hold."""

    def register_fixer(function):  # type: ignore[no-untyped-def]
        _FIXERS[model] = function
        return function

    return register_fixer


def _validator_func(meta: Any) -> Any:
    return getattr(meta, "func", None)


def _by_rule() -> dict[Any, st.SearchStrategy[Any]]:
    """Strategies for the rule-checked types, keyed by their validator function."""

    def country(codes: list[str]) -> st.SearchStrategy[CountryCode]:
        return st.builds(CountryCode, value=st.sampled_from(codes), code_list_id=st.just("P.CLS.019"))

    hs = st.tuples(st.integers(1, 97).filter(lambda c: c != 77), st.sampled_from([0, 2, 4, 6, 8])).flatmap(
        lambda t: st.text("0123456789", min_size=t[1], max_size=t[1]).map(lambda rest: f"{t[0]:02d}{rest}")
    )
    icd10 = st.builds(
        DiseaseHealthProblemCode,
        value=st.from_regex(r"[A-Z][0-9]{2}(\.[0-9]{1,2})?", fullmatch=True),
        code_list_id=st.just("ICD-10"),
    )
    return {
        rules._iso_country: country(sorted(code_list("countries").codes())),
        rules._member_state: country(sorted(code_list("member_states").codes())),
        rules._iso_language: st.sampled_from(
            sorted(c for c in code_list("languages").codes() if len(c) == 2)
        ),
        rules._measure_ground: st.sampled_from(sorted(code_list("measure_grounds").codes())),
        rules._measure_object: st.sampled_from(sorted(code_list("measure_objects").codes())),
        rules._incident_kind: st.sampled_from(sorted(code_list("incident_kinds").codes())),
        rules._hs_chapter: hs,
        rules._icd10: icd10,
        simple._xsd_duration: st.sampled_from(["P1Y", "P6M", "P30D", "P1Y2M10D", "PT12H", "P2DT3H30M"]),
    }


def _regex(pattern: str) -> st.SearchStrategy[str]:
    core = pattern.removeprefix("^(?:").removesuffix(")$")
    return st.from_regex(core.replace(r"\d", "[0-9]"), fullmatch=True)


def _collapsed(text: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", text).strip(" ")


def _string(constraints: StringConstraints | None, is_token: bool) -> st.SearchStrategy[str]:
    low = (constraints.min_length if constraints else None) or 0
    high = (constraints.max_length if constraints else None) or 40
    if constraints is not None and constraints.pattern:
        return _regex(constraints.pattern)
    high = min(high, 60)
    if is_token:
        return st.text(_ALPHABET, min_size=low, max_size=high).map(_collapsed).filter(lambda s: len(s) >= low)
    return st.text(_TEXT_ALPHABET, min_size=max(low, 1), max_size=high)


def _decimal(meta: list[Any]) -> st.SearchStrategy[Decimal]:
    digits, places, low, high = 24, 6, None, None
    for m in meta:
        for name in ("max_digits", "decimal_places", "ge", "le"):
            value = getattr(m, name, None)
            if value is None:
                continue
            if name == "max_digits":
                digits = value
            elif name == "decimal_places":
                places = value
            elif name == "ge":
                low = value
            else:
                high = value
    bound = Decimal(10) ** (digits - places) - 1
    low = Decimal(low) if low is not None else -bound
    high = Decimal(high) if high is not None else bound
    return st.decimals(
        min_value=low, max_value=high, places=min(places, 4), allow_nan=False, allow_infinity=False
    )


def _flatten(annotation: Any) -> tuple[Any, list[Any]]:
    """-> (base type, metadata) of an ``Annotated`` chain."""
    meta: list[Any] = []
    while typing.get_origin(annotation) is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        meta = [*extra, *meta]
        annotation = base
    return annotation, meta


def _coordinate(meta: list[Any]) -> st.SearchStrategy[Decimal] | None:
    for m in meta:
        bounds = getattr(_validator_func(m), "bounds", None)
        if bounds is not None:
            low, high = bounds
            return st.decimals(min_value=low, max_value=high, places=6, allow_nan=False, allow_infinity=False)
    return None


def for_annotation(annotation: Any, field_meta: list[Any] | None = None) -> st.SearchStrategy[Any]:
    """A strategy for one value of ``annotation`` (list/optional handled by the caller)."""
    base, meta = _flatten(annotation)
    meta = [*(field_meta or []), *meta]
    rule_strategies = _by_rule()
    for m in meta:
        func = _validator_func(m)
        if isinstance(m, AfterValidator) and func in rule_strategies:
            return rule_strategies[func]
    coordinate = _coordinate(meta)
    if coordinate is not None:
        return coordinate
    if isinstance(base, type) and issubclass(base, XmlModel):
        return for_model(base)
    if base is str:
        constraints = next((m for m in meta if isinstance(m, StringConstraints)), None)
        is_token = any(
            isinstance(m, BeforeValidator) and m.func.__name__ == "collapse_whitespace" for m in meta
        )
        return _string(constraints, is_token)
    if base is bool:
        return st.booleans()
    if base is int:
        low = next((m.ge for m in meta if isinstance(m, annotated_types.Ge)), 0)
        high = next((m.le for m in meta if isinstance(m, annotated_types.Le)), 9999)
        return st.integers(low, high)
    if base is Decimal:
        return _decimal(meta)
    if base is dt.datetime:
        offsets = st.sampled_from(
            [dt.UTC, dt.timezone(dt.timedelta(hours=3)), dt.timezone(dt.timedelta(hours=5))]
        )
        return st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2040, 1, 1), timezones=offsets)
    if base is dt.date:
        return st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31))
    if base is bytes:
        return st.binary(min_size=1, max_size=48)
    raise TypeError(f"no strategy for {annotation!r}")


def _occurrences(annotation: Any) -> tuple[Any, bool, bool]:
    is_list = is_optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
            is_optional = True
        elif origin is list:
            annotation = typing.get_args(annotation)[0]
            is_list = True
        elif origin is typing.Annotated and typing.get_origin(typing.get_args(annotation)[0]) in (
            list,
            typing.Union,
            types.UnionType,
        ):
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation, is_list, is_optional


def _any_fragments() -> st.SearchStrategy[list[str]]:
    csdo = "urn:EEC:M:SimpleDataObjects:v0.4.12"

    def fragment(value: str) -> str:
        element = etree.Element(f"{{{csdo}}}DescriptionText", nsmap={"csdo": csdo})
        element.text = value
        return etree.tostring(element, method="c14n", exclusive=True).decode()

    return st.lists(st.text(_ALPHABET, min_size=1, max_size=30).map(fragment), min_size=1, max_size=2)


def _fix(model: type[XmlModel], data: dict[str, Any]) -> dict[str, Any]:
    for cls in model.__mro__:
        if cls in _FIXERS:
            data = _FIXERS[cls](data)
    for start, end in getattr(model, "date_pairs", ()):
        a, b = data.get(start), data.get(end)
        if a is not None and b is not None and rules.comparable(b) < rules.comparable(a):
            data[start], data[end] = b, a
    return data


_CACHE: dict[type[XmlModel], st.SearchStrategy[Any]] = {}


def for_model(
    model: type[XmlModel], *, at_least: dict[str, int] | None = None, absent: frozenset[str] = frozenset()
) -> st.SearchStrategy[Any]:
    """Instances of ``model`` that satisfy every declared facet and rule.

    ``at_least`` raises the minimum count of some list fields, ``absent`` leaves some fields out:
    what a registered strategy uses to honour a model's cross-field rules.
    """
    tailored = bool(at_least or absent)
    if not tailored and model in _OVERRIDES:
        return _OVERRIDES[model]
    if not tailored and model in _CACHE:
        return _CACHE[model]
    if model is AnyDetails:
        strategy = st.builds(AnyDetails, elements=_any_fragments())
        _CACHE[model] = strategy
        return strategy
    hints = typing.get_type_hints(model, include_extras=True)
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for spec in model.xml_fields():
        if spec.name in absent:
            continue
        annotation, is_list, _ = _occurrences(hints[spec.name])
        one = for_annotation(annotation, list(spec.info.metadata) if not is_list else None)
        if is_list:
            low = max(spec.min_occurs, (at_least or {}).get(spec.name, 0))
            high = max(low, min(spec.max_occurs or _MAX_LIST, _MAX_LIST))
            fields[spec.name] = st.lists(one, min_size=low, max_size=high)
        elif spec.min_occurs == 0:
            fields[spec.name] = st.none() | one
        else:
            fields[spec.name] = one
    strategy = st.fixed_dictionaries(fields).map(lambda data: _fix(model, data)).map(model.model_validate)
    if not tailored:
        _CACHE[model] = strategy
    return strategy


def _register_known_rules() -> None:
    """Strategies for models whose own validators tie fields together."""
    from sanmeasures.contract.structures.dangerous_product_alert import (
        _CONSIGNMENT_REQUIRED,
        AlertBatchDetails,
    )
    from sanmeasures.contract.structures.public_health_alert import AlertPublicHealthDetails

    @fixer(AlertPublicHealthDetails)
    def _names_follow_codes(data: dict[str, Any]) -> dict[str, Any]:
        # Table 2 item 8.1: every measure name needs its kind code.
        data["measure_name"] = data.get("measure_name", [])[: len(data.get("measure_code", []))]
        return data

    consignment = {name for name, _, _ in _CONSIGNMENT_REQUIRED}
    # Table 3 item 7.6.4: a batch either carries a complete consignment or none of its data.
    register(
        AlertBatchDetails,
        st.deferred(
            lambda: st.one_of(
                for_model(AlertBatchDetails, at_least=dict.fromkeys(consignment, 1)),
                for_model(
                    AlertBatchDetails,
                    absent=frozenset({*consignment, "consignment_id", "commodity_measure"}),
                ),
            )
        ),
    )


_register_known_rules()

from tests.support.strategies_ours import register_strategies  # noqa: E402  (needs for_model above)

register_strategies()
