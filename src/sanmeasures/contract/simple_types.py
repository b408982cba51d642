"""Python types for the EEC simple data types (bdt / csdo / smsdo), with the same facets.

Each alias mirrors one XSD simple type of ``../shared/eec`` §7 / §6: the XSD
validates the wire first, these types keep the model honest when a document
is built in code (``sanmeasures example``, the API, tests).

``xs:token`` values are whitespace-collapsed as the XSD value space is;
``xs:string`` (the ``Text*`` types) is kept as written.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer, StringConstraints

_WS = re.compile(r"[ \t\r\n]+")


def collapse_whitespace(value: Any) -> Any:
    """XSD ``whiteSpace=collapse``: the value space of xs:token (only #x20, #x9, #xA, #xD collapse)."""
    if not isinstance(value, str):
        return value
    # Fast path: no tab/newline/other separator, no double or edge space -> already collapsed.
    if value.isprintable() and "  " not in value and value[:1] != " " and value[-1:] != " ":
        return value
    return _WS.sub(" ", value).strip(" ")


def _anchored(pattern: str) -> str:
    # XSD patterns are implicitly anchored at both ends; Python's are not.
    return f"^(?:{pattern})$"


def token(*, min_length: int | None = None, max_length: int | None = None, pattern: str | None = None) -> Any:
    """An ``xs:token``-based type with the given facets."""
    # Constraints first, then the collapse: pydantic-core then checks the facets natively on the
    # collapsed value instead of in Python.
    return Annotated[
        str,
        StringConstraints(
            min_length=min_length,
            max_length=max_length,
            pattern=_anchored(pattern) if pattern else None,
        ),
        BeforeValidator(collapse_whitespace),
    ]


def text(*, min_length: int = 1, max_length: int) -> Any:
    """An ``xs:string``-based type (whitespace preserved)."""
    return Annotated[str, StringConstraints(min_length=min_length, max_length=max_length)]


# --- identifiers, codes, names (csdo) ---------------------------------------------------------
Id20 = token(min_length=1, max_length=20)
Id40 = token(min_length=1, max_length=40)
Id50 = token(min_length=1, max_length=50)
Code1 = token(min_length=1, max_length=1)
Code2 = token(min_length=2, max_length=2)
Code1to2 = token(min_length=1, max_length=2)
Code10 = token(min_length=1, max_length=10)
Code20 = token(min_length=1, max_length=20)
Name40 = token(min_length=1, max_length=40)
Name120 = token(min_length=1, max_length=120)
Name250 = token(min_length=1, max_length=250)
Name300 = token(min_length=1, max_length=300)
Name500 = token(min_length=1, max_length=500)
Value100 = token(min_length=1, max_length=100)
Text1000 = text(max_length=1000)
Text4000 = text(max_length=4000)

ReferenceDataId = token(min_length=1, max_length=20)
AddressKindCode = token(min_length=1, max_length=20)
TerritoryCode = token(min_length=1, max_length=17)
BorderCheckpointCode = token(min_length=1, max_length=18)
UniqueCustomsNumberId = token(min_length=1, max_length=17)
TaxpayerId = token(min_length=1, max_length=20)
CommunicationChannelCode = token(min_length=1, max_length=20)
CommunicationChannelId = token(min_length=1, max_length=1000)
MediaTypeCode = token(min_length=1, max_length=255)
TaxRegistrationReasonCode = token(pattern=r"\d{9}")
PostCode = token(pattern=r"[A-Z0-9][A-Z0-9 -]{1,8}[A-Z0-9]")
LanguageCode = token(pattern=r"[a-z]{2}")
CountryCodeValue = token(pattern=r"[A-Z]{2}")
MeasurementUnitCode = token(pattern=r"[0-9A-Z]{2,3}|\d{3,4}")
CommodityCode = token(pattern=r"\d{2}|\d{4}|\d{6}|\d{8,10}")
Uuid = token(pattern=r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
InfEnvelopeCode = token(pattern=r"P\.[A-Z]{2}\.[0-9]{2}\.MSG\.[0-9]{3}")
EDocCode = token(pattern=r"R(\.[A-Z]{2}\.[A-Z]{2}\.[0-9]{2})?\.[0-9]{3}")
#: smsdo:TechnicalRegulationIdType: Cyrillic "ТР ТС 021/2011" / "ТР ЕАЭС 044/2017".
TechnicalRegulationId = token(pattern=r"ТР (ТС|ЕАЭС) \d{3}/\d{4}")
SanitaryProductTypeCodeValue = token(pattern=r"[0-9]{3}")
PlainCode = token()  # bdt:CodeType with no facets (csdo:ProcessingResultCodeV2Type)

# --- numbers ---------------------------------------------------------------------------------------
#: csdo:Quantity4Type: xs:nonNegativeInteger, totalDigits 4.
Quantity4 = Annotated[int, Field(ge=0, le=9999)]
#: csdo:GeoCoordinateMeasureType: xs:decimal, totalDigits 11, fractionDigits 8.
GeoCoordinate = Annotated[Decimal, Field(max_digits=11, decimal_places=8, allow_inf_nan=False)]
#: csdo:PhysicalMeasureType and friends: xs:decimal, totalDigits 24, fractionDigits 6.
Measure = Annotated[Decimal, Field(max_digits=24, decimal_places=6, allow_inf_nan=False)]

# --- dates and times ----------------------------------------------------------------------------------
_DATE_TZ = re.compile(r"^(-?\d{4,}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?$")


def _date_without_timezone(value: Any) -> Any:
    # xs:date may carry a timezone ("2026-03-01+03:00"); a calendar date has none.
    # The original bytes are kept by storage, so nothing the sender wrote is lost.
    if isinstance(value, str):
        match = _DATE_TZ.match(value.strip())
        if match:
            return match.group(1)
    return value


Date = Annotated[dt.date, BeforeValidator(_date_without_timezone)]
DateTime = Annotated[dt.datetime, BeforeValidator(collapse_whitespace)]
_DURATION = re.compile(r"-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?")


def _xsd_duration(value: str) -> str:
    # Checked with Python's re: the xs:duration grammar needs look-aheads pydantic's regex lacks.
    if not _DURATION.fullmatch(value):
        raise ValueError(f"{value!r} is not an xs:duration (e.g. P1Y2M, P30D, PT12H)")
    return value


#: bdt:DurationType (xs:duration), kept as its lexical form.
Duration = Annotated[str, BeforeValidator(collapse_whitespace), AfterValidator(_xsd_duration)]


# --- booleans, binary ------------------------------------------------------------------------------
def _xsd_boolean(value: Any) -> Any:
    if isinstance(value, str):
        lexical = value.strip()
        if lexical in ("true", "1"):
            return True
        if lexical in ("false", "0"):
            return False
        raise ValueError(f"{value!r} is not an xs:boolean (true, false, 1 or 0)")
    return value


Indicator = Annotated[bool, BeforeValidator(_xsd_boolean)]


def _decode_base64(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return base64.b64decode("".join(value.split()), validate=True)
        except binascii.Error as exc:
            raise ValueError(f"not valid base64: {exc}") from None
    return value


Base64Bytes = Annotated[
    bytes,
    BeforeValidator(_decode_base64),
    PlainSerializer(lambda b: base64.b64encode(b).decode("ascii"), return_type=str, when_used="json"),
]
