"""Value rules shared by several structures, each quoting where it comes from.

Structure-specific rules (the certificate number template of Table 1 item 3,
the Table 3 archive flag …) live with their structure; this module holds the
ones that recur: country and language codes, date order, grounds and objects
of measures, HS and ICD-10 code shapes, coordinates.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, model_validator

from sanmeasures.contract import simple_types as st
from sanmeasures.contract.classifiers import code_list
from sanmeasures.contract.errors import rule, violation
from sanmeasures.contract.simple_content import CountryCode, DiseaseHealthProblemCode
from sanmeasures.contract.xmlmodel import XmlModel

DATE_ORDER = rule(
    "date.order",
    "Дата окончания {end} ({end_field}) раньше даты начала {start} ({start_field})",
    "End date {end} ({end_field}) is before the start date {start} ({start_field})",
)
COUNTRY_ISO = rule(
    "country.iso3166",
    "Код страны {value} отсутствует в классификаторе стран мира (ISO 3166-1 alpha-2)",
    "Country code {value} is not in the world country classifier (ISO 3166-1 alpha-2)",
)
MEMBER_STATE = rule(
    "country.member_state",
    "Код {value} не является кодом государства – члена Союза (AM, BY, KZ, KG, RU)",
    "{value} is not a member state of the Union (AM, BY, KZ, KG, RU)",
    "Правила, п. 5; Приложение 2, таблицы 2 и 3, п. 1",
)
LANGUAGE = rule(
    "language.iso639",
    "Код языка {value} отсутствует в классификаторе языков (ISO 639-1)",
    "Language code {value} is not an ISO 639-1 language",
    "Приложение 2, таблица 4, п. 1",
)
MEASURE_GROUND = rule(
    "measure.ground",
    "Основание для введения временной санитарной меры {value} должно быть одним из значений 1–4",
    "The ground of a temporary sanitary measure must be one of 1–4, not {value}",
    "Приложение 2, таблица 4, п. 8",
)
MEASURE_OBJECT = rule(
    "measure.object_kind",
    "Вид объекта действия меры {value} должен быть 1 (граждане), 2 (товары и продукция) или 3 (транспортные средства)",
    "The kind of object of a measure must be 1 (citizens), 2 (goods and products) or 3 (vehicles), not {value}",
    "Приложение 2, таблица 3, п. 9.1; таблица 5, п. 5.6",
)
INCIDENT_KIND = rule(
    "incident.kind",
    "Вид сообщения {value} отсутствует в классификаторе видов сообщений ({allowed})",
    "Message kind {value} is not in the message-kind classifier ({allowed})",
    "Приложение 2, таблицы 2 и 3, п. 2; Правила, пп. 18, 19, 23, 24",
)
HS_CODE = rule(
    "hs_code.chapter",
    "Код ТН ВЭД ЕАЭС {value}: группа {chapter} не существует (01–97, кроме 77)",
    "EAEU HS code {value}: chapter {chapter} does not exist (01–97, except 77)",
    "Приложение 2, таблица 3, п. 7.4",
)
ICD10 = rule(
    "icd10.shape",
    "Код болезни {value} не соответствует форме кода МКБ-10 (буква, две цифры, необязательно точка и 1–2 цифры)",
    "Disease code {value} does not have the shape of an ICD-10 code (letter, two digits, optional dot and 1–2 digits)",
    "Приложение 2, таблица 2, п. 6.1",
)
COORDINATE = rule(
    "geo.range",
    "{axis} {value} вне допустимого диапазона [{low}; {high}]",
    "{axis_en} {value} is out of range [{low}; {high}]",
    "Приложение 2, таблица 2, п. 7.1",
)

#: Code list ids under which a disease code is an ICD-10 code (the WHO classification; our convention).
ICD10_CODE_LISTS = frozenset({"ICD-10", "МКБ-10", "MKB10", "ICD10"})
_ICD10_SHAPE = re.compile(r"^[A-Z][0-9]{2}(\.[0-9]{1,2})?$")


# --- single values ------------------------------------------------------------------------------
def _iso_country(code: CountryCode) -> CountryCode:
    if code.value not in code_list("countries"):
        raise violation(COUNTRY_ISO, value=code.value)
    return code


def _member_state(code: CountryCode) -> CountryCode:
    _iso_country(code)
    if code.value not in code_list("member_states"):
        raise violation(MEMBER_STATE, value=code.value)
    return code


def _iso_language(code: str) -> str:
    if code not in code_list("languages"):
        raise violation(LANGUAGE, value=code)
    return code


def _measure_ground(code: str) -> str:
    if code not in code_list("measure_grounds"):
        raise violation(MEASURE_GROUND, value=code)
    return code


def _measure_object(code: str) -> str:
    if code not in code_list("measure_objects"):
        raise violation(MEASURE_OBJECT, value=code)
    return code


def _incident_kind(code: str) -> str:
    kinds = code_list("incident_kinds")
    if code not in kinds:
        raise violation(INCIDENT_KIND, value=code, allowed=", ".join(kinds.codes()))
    return code


def _hs_chapter(code: str) -> str:
    chapter = int(code[:2])
    if not 1 <= chapter <= 97 or chapter == 77:
        raise violation(HS_CODE, value=code, chapter=code[:2])
    return code


def _icd10(code: DiseaseHealthProblemCode) -> DiseaseHealthProblemCode:
    if code.code_list_id.upper() in ICD10_CODE_LISTS and not _ICD10_SHAPE.match(code.value):
        raise violation(ICD10, value=code.value)
    return code


def _range(axis: str, axis_en: str, low: int, high: int) -> Any:
    def check(value: Any) -> Any:
        if not low <= value <= high:
            raise violation(COORDINATE, axis=axis, axis_en=axis_en, value=value, low=low, high=high)
        return value

    check.bounds = (low, high)  # type: ignore[attr-defined]  # read by test data generators
    return AfterValidator(check)


IsoCountryCode = Annotated[CountryCode, AfterValidator(_iso_country)]
MemberStateCode = Annotated[CountryCode, AfterValidator(_member_state)]
IsoLanguageCode = Annotated[st.LanguageCode, AfterValidator(_iso_language)]
MeasureGroundCode = Annotated[st.Code1, AfterValidator(_measure_ground)]
MeasureObjectKindCode = Annotated[st.Code1to2, AfterValidator(_measure_object)]
IncidentKindCode = Annotated[st.Code1to2, AfterValidator(_incident_kind)]
HsCode = Annotated[st.CommodityCode, AfterValidator(_hs_chapter)]
DiseaseCode = Annotated[DiseaseHealthProblemCode, AfterValidator(_icd10)]
Latitude = Annotated[st.GeoCoordinate, _range("Широта", "Latitude", -90, 90)]
Longitude = Annotated[st.GeoCoordinate, _range("Долгота", "Longitude", -180, 180)]


# --- date order -------------------------------------------------------------------------------------
class DatePairs(XmlModel):
    """A model whose end dates may not precede their start dates.

    ``date_pairs`` names (start field, end field); both optional, compared when both are present.
    """

    date_pairs: ClassVar[tuple[tuple[str, str], ...]] = ()

    @model_validator(mode="after")
    def _end_not_before_start(self) -> Any:
        for start_field, end_field in self.date_pairs:
            start, end = getattr(self, start_field), getattr(self, end_field)
            if start is not None and end is not None and comparable(end) < comparable(start):
                fields = type(self).model_fields
                raise violation(
                    DATE_ORDER,
                    field=end_field,
                    start=start.isoformat(),
                    end=end.isoformat(),
                    start_field=_xml_name(fields[start_field]),
                    end_field=_xml_name(fields[end_field]),
                )
        return self


def comparable(value: Any) -> Any:
    # xs:dateTime may come with or without a timezone; read a naive one as UTC rather than crash.
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def _xml_name(info: Any) -> str:
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    return str(extra.get("xml", ""))
