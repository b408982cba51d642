"""The six structures we designed in the EEC style (not published by the EEC).

R.SM.SS.07.001 state registration certificates (Table 1), R.SM.SS.08.004 / .005 laboratory
protocol request and answer (Rules §36, §39), R.SM.SS.00.002 / .003 information request and
answer (Rules §7е–ж, §8, §14), R.SM.SS.00.001 receipt signal.

For each: a realistic document is built in code, written with ``.to_xml()``, validated by our XSD
with lxml and with xmlschema, read back and compared; every value rule rejects a bad value and
accepts a good one; Table 1 sits on the certificate XSD and model exactly as printed; the files
under ``tests/data/<code>/`` pass or fail the whole pipeline as their README says.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from hypothesis import strategies as hs
from lxml import etree
from pydantic import ValidationError

from sanmeasures.contract import blocks as b
from sanmeasures.contract import tables
from sanmeasures.contract.catalogue import structures
from sanmeasures.contract.classifiers import code_list
from sanmeasures.contract.header import EDocHeader
from sanmeasures.contract.pipeline import encode, validate_document
from sanmeasures.contract.schemas import schema_dir, schema_path
from sanmeasures.contract.simple_content import AnyDetails, CountryCode
from sanmeasures.contract.structure import Structure
from sanmeasures.contract.structures import certificate as cert
from sanmeasures.contract.structures import information_request as info
from sanmeasures.contract.structures import laboratory_protocol as lab
from sanmeasures.contract.structures import receipt as rcp
from sanmeasures.contract.structures.dangerous_product_alert import AlertDangerousProductDetails
from sanmeasures.contract.structures.public_health_alert import AlertPublicHealthDetails
from sanmeasures.contract.structures.sanitary_measure import TemporarySanitaryMeasureDetails
from sanmeasures.contract.xmlmodel import XmlModel
from tests.support import strategies
from tests.support.xsd_tree import ITEM_SOURCE, XS, schema_set

OURS = (
    "R.SM.SS.07.001",
    "R.SM.SS.08.004",
    "R.SM.SS.08.005",
    "R.SM.SS.00.002",
    "R.SM.SS.00.003",
    "R.SM.SS.00.001",
)
DATA = Path(__file__).resolve().parents[1] / "data"

COUNTRY_LIST = "P.CLS.019"
KZ_NUMBER = "KZ.16.01.78.003.R.000541.05.24"
RU_NUMBER = "RU.77.99.88.003.R.001234.05.24"
REQUEST_ID = "4b7e2c1a-9d3f-4e8b-a6c2-1f0d5e7a9b31"
QUERY_ID = "0c6a8f2e-3b1d-4c7a-9e5f-8d2b4a6c1e07"
#: A small but well-formed one-page PDF (the scanned protocol of the KZ answer).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


# =================================================================================================
# Builders: realistic documents as plain data, validated by the root models
# =================================================================================================
def code(value: str, code_list_id: str = COUNTRY_LIST) -> dict[str, str]:
    return {"value": value, "code_list_id": code_list_id}


def header(edoc_code: str, envelope: str, edoc_id: str, when: str, ref: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "inf_envelope_code": envelope,
        "e_doc_code": edoc_code,
        "e_doc_id": edoc_id,
        "e_doc_date_time": when,
        "language_code": "ru",
    }
    if ref is not None:
        data["e_doc_ref_id"] = ref
    return data


def kz_authority() -> dict[str, Any]:
    return {
        "unified_country_code": code("KZ"),
        "authority_id": "KZ.KSEK",
        "authority_name": "Комитет санитарно-эпидемиологического контроля Министерства здравоохранения "
        "Республики Казахстан",
        "authority_brief_name": "КСЭК МЗ РК",
    }


def ru_authority() -> dict[str, Any]:
    return {
        "unified_country_code": code("RU"),
        "authority_id": "RU.RPN",
        "authority_name": "Федеральная служба по надзору в сфере защиты прав потребителей и благополучия человека",
        "authority_brief_name": "Роспотребнадзор",
    }


def kz_certificate() -> dict[str, Any]:
    """A KZ certificate for an infant formula (technical regulations, letter R), unlimited validity."""
    company = {
        "unified_country_code": code("KZ"),
        "business_entity_name": "Товарищество с ограниченной ответственностью «Балдәурен Нутришн»",
        "business_entity_brief_name": "ТОО «Балдәурен Нутришн»",
        "business_entity_id": {"value": "180540012345", "kind_id": "KZ01"},
        "subject_address_details": [
            {
                "address_kind_code": "1",
                "unified_country_code": code("KZ"),
                "city_name": "Алматы",
                "street_name": "пр. Суюнбая",
                "building_number_id": "263",
                "post_code": "A05F2X1",
            }
        ],
    }
    manufacturer = copy.deepcopy(company)
    manufacturer["subject_address_details"].append(
        {
            "address_kind_code": "3",
            "unified_country_code": code("KZ"),
            "region_name": "Алматинская область",
            "settlement_name": "п. Отеген батыр",
            "street_name": "ул. Заводская",
            "building_number_id": "12",
        }
    )
    return {
        "unified_country_code": code("KZ"),
        "form_number_id": "0012457",
        "registration_number_as_written": KZ_NUMBER,
        "doc_creation_date": "2024-05-17",
        "certificate_validity_period_details": {
            "start_date": "2024-05-17",
            "unlimited_validity_indicator": "true",
        },
        "certificate_status_details": {
            "certificate_status_code": code("1", "SM.CLS.006"),
            "start_date": "2024-05-17",
        },
        "applicant_details": company,
        "certificate_product_details": {
            "product_name": "Смесь сухая молочная адаптированная для питания детей раннего возраста с рождения "
            "до 6 месяцев «Балапан 1»",
            "product_trade_name": "Балапан 1",
            "description_text": "Форма выпуска: порошок в жестяных банках массой нетто 400 г. Область применения: "
            "питание детей раннего возраста с рождения до 6 месяцев. Условия хранения: при температуре от "
            "0 до 25 °С и относительной влажности не более 75 %. Способ применения: согласно инструкции на "
            "упаковке.",
            "commodity_code": ["1901100000"],
            "doc_reference_details": [
                {
                    "doc_name": "Стандарт организации «Смеси сухие молочные адаптированные для питания детей "
                    "раннего возраста. Технические условия»",
                    "doc_id": "СТ ТОО 180540012345-01-2023",
                }
            ],
        },
        "manufacturer_details": manufacturer,
        "union_act_details": {"technical_regulation_id": ["ТР ТС 021/2011", "ТР ТС 033/2013"]},
        "conformity_evidence_doc_details": [
            {
                "doc_name": "Протокол испытаний (микробиологические показатели)",
                "doc_id": "1245-М",
                "doc_creation_date": "2024-05-02",
                "testing_laboratory_name": "Испытательный центр филиала РГП на ПХВ «Национальный центр экспертизы» "
                "по городу Алматы",
                "accreditation_certificate_id": "KZ.T.02.0123",
            },
            {
                "doc_name": "Протокол испытаний (санитарно-химические показатели)",
                "doc_id": "1246-Х",
                "doc_creation_date": "2024-05-03",
                "testing_laboratory_name": "Испытательный центр филиала РГП на ПХВ «Национальный центр экспертизы» "
                "по городу Алматы",
                "accreditation_certificate_id": "KZ.T.02.0123",
            },
        ],
        "unified_authority_details": kz_authority(),
        "certificate_annex_details": {
            "doc_name": "Приложение к свидетельству о государственной регистрации",
            "page_quantity": 1,
            "description_text": "Перечень фасовок: банка жестяная 400 г, банка жестяная 800 г.",
        },
    }


def ru_certificate() -> dict[str, Any]:
    """A RU certificate under the Unified Sanitary Requirements (letter E), with an end date."""
    data = kz_certificate()
    data.update(
        unified_country_code=code("RU"),
        form_number_id=None,
        registration_number_as_written="RU.77.99.88.003.Е.001234.05.24",  # Cyrillic Е, as often written
        doc_creation_date="2024-05-28",
        certificate_validity_period_details={"start_date": "2024-05-28", "end_date": "2029-05-27"},
        certificate_status_details={
            "certificate_status_code": code("2", "SM.CLS.006"),
            "start_date": "2025-02-10",
            "end_date": "2025-08-10",
        },
        union_act_details={
            "sanitary_requirements_section_text": [
                "Глава II, раздел 5 «Требования к товарам бытовой химии и лакокрасочным материалам»"
            ]
        },
        unified_authority_details=ru_authority(),
        certificate_annex_details=None,
    )
    data["certificate_product_details"] = {
        "product_name": "Средство для мытья детской посуды «Чистюля»",
        "doc_reference_details": [
            {"doc_name": "Технические условия", "doc_id": "ТУ 20.41.32-001-12345678-2023"}
        ],
    }
    data["applicant_details"] = {
        "unified_country_code": code("RU"),
        "business_entity_name": "Общество с ограниченной ответственностью «Чистый дом»",
        "business_entity_id": {"value": "1237700123456", "kind_id": "RU01"},
        "subject_address_details": [{"unified_country_code": code("RU"), "city_name": "Москва"}],
    }
    data["manufacturer_details"] = data["applicant_details"]
    data["conformity_evidence_doc_details"] = [
        {
            "doc_name": "Протокол лабораторных исследований (токсикологические и санитарно-химические показатели)",
            "doc_id": "П-2024/05-0877",
            "doc_creation_date": "2024-05-20",
            "testing_laboratory_name": "Испытательный лабораторный центр ФБУЗ «Центр гигиены и эпидемиологии в "
            "городе Москве»",
            "accreditation_certificate_id": "RA.RU.510045",
        },
        {
            "doc_name": "Экспертное заключение",
            "doc_id": "77.01.12.П.004321.05.24",
            "doc_creation_date": "2024-05-24",
        },
    ]
    return data


def certificate_document(*certificates: dict[str, Any]) -> dict[str, Any]:
    return {
        "e_doc_header": header(
            "R.SM.SS.07.001",
            "P.SS.07.MSG.001",
            "9f1c2b7e-5a4d-4e3f-8b2a-6c7d8e9f0a1b",
            "2024-05-17T16:40:00+05:00",
        ),
        "registration_certificate_details": list(certificates) or [kz_certificate()],
    }


def lab_request() -> dict[str, Any]:
    """Роспотребнадзор asks the KZ authority for the microbiological protocol of the KZ certificate."""
    return {
        "e_doc_header": header("R.SM.SS.08.004", "P.SS.08.MSG.021", REQUEST_ID, "2026-03-16T09:30:00+03:00"),
        "unified_authority_details": ru_authority(),
        "certificate_number_as_written": KZ_NUMBER,
        "doc_creation_date": "2024-05-17",
        "laboratory_test_kind_code": code("03", "SM.CLS.014"),
        "laboratory_test_method_name": "Микробиологические показатели: КМАФАнМ, БГКП, S. aureus, сальмонеллы",
        "description_text": "Прошу представить протокол микробиологических испытаний, на основании которого выдано "
        "свидетельство, в связи с выявлением несоответствия продукции при проведении санитарного контроля.",
    }


def lab_answer() -> dict[str, Any]:
    """The KZ authority answers with the scanned protocol (PDF)."""
    return {
        "e_doc_header": header(
            "R.SM.SS.08.005",
            "P.SS.08.MSG.022",
            "d2a4f6b8-1c3e-4a5b-9d7f-2e4c6a8b0d13",
            "2026-03-17T11:05:00+05:00",
            ref=REQUEST_ID,
        ),
        "unified_authority_details": kz_authority(),
        "certificate_number_as_written": KZ_NUMBER,
        "doc_creation_date": "2024-05-17",
        "laboratory_test_kind_code": code("03", "SM.CLS.014"),
        "doc_content_details": [
            {
                "unified_country_code": code("KZ"),
                "language_code": "ru",
                "doc_name": "Протокол испытаний (микробиологические показатели)",
                "doc_id": "1245-М",
                "doc_creation_date": "2024-05-02",
                "authority_name": "Испытательный центр филиала РГП на ПХВ «Национальный центр экспертизы» по "
                "городу Алматы",
                "page_quantity": 1,
                "doc_binary_text": {
                    "value": base64.b64encode(PDF).decode("ascii"),
                    "media_type_code": "application/pdf",
                },
            }
        ],
    }


def lab_refusal() -> dict[str, Any]:
    data = lab_answer()
    data["doc_content_details"] = []
    data["refusal_reason_code"] = code("3", "SM.CLS.015")
    data["description_text"] = (
        "Протокол содержит сведения, составляющие коммерческую тайну заявителя (п. 39 Правил)."
    )
    return data


def info_request() -> dict[str, Any]:
    """A KZ supervisory body asks the Commission's dangerous-products database (Rules §8)."""
    return {
        "e_doc_header": header("R.SM.SS.00.002", "P.SS.08.MSG.030", QUERY_ID, "2026-03-20T10:00:00+05:00"),
        "unified_authority_details": {
            "unified_country_code": code("KZ"),
            "authority_name": "Департамент санитарно-эпидемиологического контроля города Алматы",
        },
        "information_resource_code": code("3", "SM.CLS.016"),
        "search_criteria_details": {
            "unified_country_code": [code("RU")],
            "start_date": "2026-01-01",
            "end_date": "2026-03-20",
            "search_text": "Listeria monocytogenes",
            "commodity_code": "1601",
            "sanitary_product_type_code": {"value": "001", "code_list_id": "1025"},
        },
        "max_record_quantity": 100,
    }


def dangerous_product_record() -> dict[str, Any]:
    """One published case of the dangerous-products database (Table 3)."""
    return {
        "unified_country_code": code("RU"),
        "incident_id": "RU-DP-2026-000147",
        "incident_kind_code": "1",
        "doc_creation_date": "2026-03-12",
        "unified_authority_details": ru_authority(),
        "non_compliant_sanitary_product_details": {
            "sanitary_product_type_code": {"value": "001", "code_list_id": "1025"},
            "product_details": {
                "product_name": "Колбаса сырокопченая «Полесская»",
                "description_text": "Колбаса сырокопченая полусухая из говядины и свинины, высший сорт, масса нетто 300 г",
                "commodity_code": "1601009100",
            },
            "supply_chain_party_details": {
                "unified_country_code": code("BY"),
                "business_entity_name": "Открытое акционерное общество «Полесский мясокомбинат»",
                "supply_chain_party_kind_code": "01",
            },
            "non_compliant_sanitary_product_batch_details": [
                {"batch_details": {"batch_id": "0214-26", "manufacture_date": "2026-02-14"}}
            ],
        },
        "detection_place_details": {
            "description_text": "Москва, торговая сеть, склад ООО «ТД «Северная трапеза»"
        },
        "sanitary_measure_base_details": [
            {
                "measure_code": {"value": "03", "code_list_id": "SM.CLS.002"},
                "measure_doc_details": {"doc_name": "Предписание", "doc_id": "77-01/2026-114"},
                "start_date": "2026-03-12",
                "measure_affected_object_kind_code": ["2"],
            }
        ],
    }


def info_response() -> dict[str, Any]:
    """The Commission answers the query with one case."""
    return {
        "e_doc_header": header(
            "R.SM.SS.00.003",
            "P.SS.08.MSG.031",
            "5e8d1c3a-7f2b-4d6e-a9c1-3b5d7f9e1a24",
            "2026-03-20T10:00:07+03:00",
            ref=QUERY_ID,
        ),
        "unified_authority_details": {
            "authority_name": "Евразийская экономическая комиссия",
            "authority_brief_name": "ЕЭК",
        },
        "information_resource_code": code("3", "SM.CLS.016"),
        "record_quantity": 1,
        "dangerous_product_alert_details": [dangerous_product_record()],
    }


def receipt() -> dict[str, Any]:
    """The KZ node got the RU protocol request."""
    return {
        "e_doc_header": header(
            "R.SM.SS.00.001",
            "P.SS.08.MSG.021",
            "7a9c1e3b-5d7f-4a2c-8e6b-0d2f4a6c8e35",
            "2026-03-16T11:30:02+05:00",
            ref=REQUEST_ID,
        ),
        "event_date_time": "2026-03-16T11:30:01+05:00",
        "receiving_participant_id": "authority:KZ",
        "description_text": "Получено",
    }


#: structure code -> (root model, builder of a valid document)
BUILDERS = {
    "R.SM.SS.07.001": (
        cert.StateRegistrationCertificateDetails,
        lambda: certificate_document(kz_certificate(), ru_certificate()),
    ),
    "R.SM.SS.08.004": (lab.LaboratoryProtocolRequestDetails, lab_request),
    "R.SM.SS.08.005": (lab.LaboratoryProtocolDetails, lab_answer),
    "R.SM.SS.00.002": (info.InformationRequestDetails, info_request),
    "R.SM.SS.00.003": (info.InformationResponseDetails, info_response),
    "R.SM.SS.00.001": (rcp.EDocReceiptDetails, receipt),
}


def build(code_: str) -> XmlModel:
    model, make = BUILDERS[code_]
    return model.model_validate(make())


# =================================================================================================
# Hypothesis strategies for tests/contract/test_roundtrip.py: our models tie fields together
# (number <-> country, date and letter; validity; answers), so the generic builder of
# tests/support/strategies cannot draw them. Registered when this module is imported.
# =================================================================================================
def _digits(width: int) -> hs.SearchStrategy[str]:
    return hs.text("0123456789", min_size=width, max_size=width)


@hs.composite
def _certificate_number(draw: Any, country: str, issued: dt.date, letter: str) -> str:
    authority = draw(hs.from_regex(r"[А-Я0-9]{2}", fullmatch=True))
    number = ".".join(
        (
            country,
            draw(_digits(2)),
            authority,
            draw(_digits(2)),
            draw(_digits(3)),
            letter,
            draw(_digits(6)),
            f"{issued.month:02d}",
            f"{issued.year % 100:02d}",
        )
    )
    if draw(hs.booleans()):  # written with the usual Cyrillic look-alikes
        number = number.replace(".E.", ".Е.").replace(".R.", ".Р.")
    return number


@hs.composite
def _registration_certificates(draw: Any) -> cert.RegistrationCertificateDetails:
    country = draw(hs.sampled_from(sorted(code_list("member_states").codes())))
    issued = draw(hs.dates(dt.date(2010, 1, 1), dt.date(2040, 12, 31)))
    letter = draw(hs.sampled_from("RE"))
    end = draw(hs.none() | hs.dates(issued, dt.date(2099, 12, 31)))
    status_start = draw(hs.dates(issued, dt.date(2045, 12, 31)))
    regulations = sorted(code_list("technical_regulations").codes())
    section = hs.text(strategies._TEXT_ALPHABET, min_size=1, max_size=60)
    authority = draw(strategies.for_model(cert.CertificateAuthority))
    data = {
        "unified_country_code": code(country),
        "form_number_id": draw(hs.none() | _digits(7)),
        "registration_number_as_written": draw(_certificate_number(country, issued, letter)),
        "doc_creation_date": issued,
        "certificate_validity_period_details": {
            "start_date": issued,
            "end_date": end,
            "unlimited_validity_indicator": True if end is None else draw(hs.none() | hs.just(False)),
        },
        "certificate_status_details": {
            "certificate_status_code": code(draw(hs.sampled_from("123")), "SM.CLS.006"),
            "start_date": status_start,
            "end_date": draw(hs.none() | hs.dates(status_start, dt.date(2050, 12, 31))),
        },
        "applicant_details": draw(strategies.for_model(cert.ApplicantDetails)),
        "certificate_product_details": draw(strategies.for_model(cert.CertificateProductDetails)),
        "manufacturer_details": draw(strategies.for_model(cert.ManufacturerDetails)),
        "union_act_details": (
            {
                "technical_regulation_id": draw(
                    hs.lists(hs.sampled_from(regulations), min_size=1, max_size=2)
                ),
                "sanitary_requirements_section_text": draw(hs.lists(section, max_size=2)),
            }
            if letter == "R"
            else {"sanitary_requirements_section_text": draw(hs.lists(section, min_size=1, max_size=2))}
        ),
        "conformity_evidence_doc_details": draw(
            hs.lists(strategies.for_model(cert.ConformityEvidenceDocDetails), min_size=1, max_size=2)
        ),
        "unified_authority_details": authority.model_copy(
            update={"unified_country_code": CountryCode.model_validate(code(country))}
        ),
        "certificate_annex_details": draw(hs.none() | strategies.for_model(b.DocContentDetails)),
        "resource_item_status_details": draw(hs.none() | strategies.for_model(b.ResourceItemStatusDetails)),
    }
    return cert.RegistrationCertificateDetails.model_validate(data)


@hs.composite
def _answer_headers(draw: Any) -> rcp.AnswerEDocHeader:
    plain = draw(strategies.for_model(EDocHeader))
    ref = str(draw(hs.uuids().filter(lambda u: str(u) != plain.e_doc_id.lower())))
    return rcp.AnswerEDocHeader.model_validate(plain.model_dump() | {"e_doc_ref_id": ref})


@hs.composite
def _certificate_references(draw: Any) -> dict[str, Any]:
    country = draw(hs.sampled_from(sorted(code_list("member_states").codes())))
    issued = draw(hs.dates(dt.date(2010, 1, 1), dt.date(2040, 12, 31)))
    return {
        "certificate_number_as_written": draw(
            _certificate_number(country, issued, draw(hs.sampled_from("RE")))
        ),
        "doc_creation_date": issued,
    }


def _test_kinds(optional: bool = False) -> hs.SearchStrategy[Any]:
    kinds = hs.sampled_from(code_list("laboratory_test_kinds").codes()).map(lambda c: code(c, "SM.CLS.014"))
    return hs.none() | kinds if optional else kinds


def _texts(size: int) -> hs.SearchStrategy[str | None]:
    return hs.none() | hs.text(strategies._TEXT_ALPHABET, min_size=1, max_size=size)


@hs.composite
def _protocol_requests(draw: Any) -> lab.LaboratoryProtocolRequestDetails:
    data = {
        "e_doc_header": draw(strategies.for_model(EDocHeader)),
        "unified_authority_details": draw(strategies.for_model(cert.MemberStateAuthority)),
        **draw(_certificate_references()),
        "laboratory_test_kind_code": draw(_test_kinds()),
        "laboratory_test_method_name": draw(
            hs.none() | hs.sampled_from(["Микробиологические показатели", "КМАФАнМ"])
        ),
        "description_text": draw(_texts(80)),
    }
    return lab.LaboratoryProtocolRequestDetails.model_validate(data)


@hs.composite
def _protocol_documents(draw: Any) -> lab.ProtocolDocDetails:
    base = draw(
        strategies.for_model(
            b.DocContentDetails,
            absent=frozenset({"any_details", "doc_binary_text", "doc_id", "doc_creation_date"}),
        )
    )
    content: dict[str, Any]
    if draw(hs.booleans()):
        content = {
            "doc_binary_text": {
                "value": PDF + draw(hs.binary(max_size=16)),
                "media_type_code": "application/pdf",
            }
        }
    else:
        content = {"any_details": draw(strategies.for_model(AnyDetails))}
    return lab.ProtocolDocDetails.model_validate(
        base.model_dump() | {"doc_id": draw(_digits(5)), "doc_creation_date": draw(hs.dates())} | content
    )


@hs.composite
def _protocol_answers(draw: Any) -> lab.LaboratoryProtocolDetails:
    refused = draw(hs.booleans())
    data = {
        "e_doc_header": draw(_answer_headers()),
        "unified_authority_details": draw(strategies.for_model(cert.MemberStateAuthority)),
        **draw(_certificate_references()),
        "laboratory_test_kind_code": draw(_test_kinds(optional=True)),
        "doc_content_details": []
        if refused
        else draw(hs.lists(_protocol_documents(), min_size=1, max_size=2)),
        "refusal_reason_code": code(draw(hs.sampled_from(lab.REFUSAL_REASONS.codes())), "SM.CLS.015")
        if refused
        else None,
        "description_text": draw(_texts(80)),
    }
    return lab.LaboratoryProtocolDetails.model_validate(data)


@hs.composite
def _search_criteria(draw: Any) -> info.SearchCriteriaDetails:
    base = draw(
        strategies.for_model(info.SearchCriteriaDetails, absent=frozenset({"certificate_number_as_written"}))
    )
    number = draw(hs.none() | _certificate_references().map(lambda r: r["certificate_number_as_written"]))
    return info.SearchCriteriaDetails.model_validate(
        base.model_dump() | {"certificate_number_as_written": number}
    )


_RESOURCES = hs.sampled_from(info.INFORMATION_RESOURCES.codes())


@hs.composite
def _information_requests(draw: Any) -> info.InformationRequestDetails:
    data = {
        "e_doc_header": draw(strategies.for_model(EDocHeader)),
        "unified_authority_details": draw(strategies.for_model(cert.MemberStateAuthority)),
        "information_resource_code": code(draw(_RESOURCES), "SM.CLS.016"),
        "search_criteria_details": draw(hs.none() | _search_criteria()),
        "max_record_quantity": draw(hs.none() | hs.integers(1, 999_999_999)),
    }
    return info.InformationRequestDetails.model_validate(data)


@hs.composite
def _information_responses(draw: Any) -> info.InformationResponseDetails:
    resource = draw(_RESOURCES)
    field = info.InformationResponseDetails._field_of(resource)
    record_model = {
        "public_health_alert_details": AlertPublicHealthDetails,
        "dangerous_product_alert_details": AlertDangerousProductDetails,
        "sanitary_measure_details": TemporarySanitaryMeasureDetails,
        "registration_certificate_details": cert.RegistrationCertificateDetails,
    }[field]
    records = draw(hs.lists(strategies.for_model(record_model), max_size=2))
    data = {
        "e_doc_header": draw(_answer_headers()),
        "unified_authority_details": draw(strategies.for_model(info.ResponderDetails)),
        "information_resource_code": code(resource, "SM.CLS.016"),
        "record_quantity": draw(hs.integers(len(records), 999_999_999)),
        field: records,
        "description_text": draw(_texts(80)),
    }
    return info.InformationResponseDetails.model_validate(data)


@hs.composite
def _receipts(draw: Any) -> rcp.EDocReceiptDetails:
    members = sorted(code_list("member_states").codes())
    participant = draw(
        hs.sampled_from(members).map(lambda c: f"authority:{c}")
        | hs.just("commission")
        | hs.tuples(hs.sampled_from(members), _digits(2)).map(lambda t: f"supervisory:{t[0]}:{t[1]}")
    )
    data = {
        "e_doc_header": draw(_answer_headers()),
        "event_date_time": draw(
            hs.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2040, 1, 1), timezones=hs.just(dt.UTC))
        ),
        "receiving_participant_id": participant,
        "description_text": draw(_texts(40)),
    }
    return rcp.EDocReceiptDetails.model_validate(data)


def register_strategies() -> None:
    """Teach tests/support/strategies our models (roots and the blocks other roots embed)."""
    strategies.register(cert.RegistrationCertificateDetails, _registration_certificates())
    strategies.register(rcp.AnswerEDocHeader, _answer_headers())
    strategies.register(lab.LaboratoryProtocolRequestDetails, _protocol_requests())
    strategies.register(lab.ProtocolDocDetails, _protocol_documents())
    strategies.register(lab.LaboratoryProtocolDetails, _protocol_answers())
    strategies.register(info.SearchCriteriaDetails, _search_criteria())
    strategies.register(info.InformationRequestDetails, _information_requests())
    strategies.register(info.InformationResponseDetails, _information_responses())
    strategies.register(rcp.EDocReceiptDetails, _receipts())


register_strategies()


# =================================================================================================
# Helpers
# =================================================================================================
@cache
def lxml_schema(structure_code: str) -> etree.XMLSchema:
    return etree.XMLSchema(file=str(schema_path(structures()[structure_code])))


@cache
def xmlschema_schema(structure_code: str) -> xmlschema.XMLSchema10:
    return xmlschema.XMLSchema10(str(schema_path(structures()[structure_code])))


def round_trip(structure_code: str, document: XmlModel) -> XmlModel:
    data = document.to_xml()
    root = etree.fromstring(data)
    schema = lxml_schema(structure_code)
    assert schema.validate(root), schema.error_log
    xmlschema_schema(structure_code).validate(data.decode("utf-8"))
    back = type(document).from_element(root)
    assert back == document
    report = validate_document(data)
    assert report.ok, [issue.one_line() for issue in report.issues]
    assert encode(document) == etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return back


def errors_of(model: type[XmlModel], data: dict[str, Any]) -> list[dict[str, Any]]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return caught.value.errors(include_url=False)


def rule_codes(model: type[XmlModel], data: dict[str, Any]) -> set[str]:
    return {error["type"] for error in errors_of(model, data)}


def one_cert(**changes: Any) -> dict[str, Any]:
    data = kz_certificate()
    data.update(changes)
    return certificate_document(data)


Root = cert.StateRegistrationCertificateDetails


# =================================================================================================
# Catalogue and round trips
# =================================================================================================
def test_our_structures_are_in_the_catalogue_as_not_published() -> None:
    found = structures()
    for code_ in OURS:
        structure = found[code_]
        assert isinstance(structure, Structure)
        assert structure.published is False
        assert (structure.table == 1) == (code_ == "R.SM.SS.07.001")
        assert schema_path(structure).is_file()
        assert structure.paragraphs.startswith("§")


@pytest.mark.parametrize("code_", OURS)
def test_realistic_document_round_trips_through_both_validators(code_: str) -> None:
    document = build(code_)
    assert document.e_doc_header.e_doc_code == code_  # type: ignore[attr-defined]
    round_trip(code_, document)


def test_every_xsd_uses_sequences_of_global_elements_only() -> None:
    """EEC conventions: xs:sequence only (no xs:choice / xs:all), children referenced, qualified form."""
    for code_ in OURS:
        doc = etree.parse(str(schema_path(structures()[code_]))).getroot()
        assert doc.get("elementFormDefault") == "qualified"
        assert not doc.findall(f".//{{{XS}}}choice") and not doc.findall(f".//{{{XS}}}all")
        for particle in doc.iterfind(f".//{{{XS}}}sequence/{{{XS}}}element"):
            assert particle.get("ref"), f"{code_}: local element {particle.get('name')}"
        first = doc.find(f"{{{XS}}}complexType/{{{XS}}}sequence/{{{XS}}}element")
        assert first is not None and first.get("ref") == "ccdo:EDocHeader"


def test_every_code_element_of_ours_carries_a_code_list_id() -> None:
    for code_ in OURS:
        doc = etree.parse(str(schema_path(structures()[code_]))).getroot()
        for element in doc.iterfind(f"{{{XS}}}element"):
            if element.get("name", "").endswith("Code"):
                assert element.get("type") == "csdo:UnifiedCode20Type", element.get("name")


# =================================================================================================
# R.SM.SS.07.001 — Table 1 on the XSD and the model
# =================================================================================================
def _certificate_particles() -> list[tuple[str, str, str, str]]:
    """(item, particle name, multiplicity, Russian documentation) of every annotated particle of the XSD."""
    structure = structures()["R.SM.SS.07.001"]
    tree = schema_set(schema_dir()).tree(
        f"{{{structure.namespace}}}{structure.root_element}", structure.namespace
    )
    found = []
    for _, node in tree.walk():
        for item_id in node.items:
            found.append((item_id, node.name, node.multiplicity, ""))
    # the documentation sits next to each appinfo in the particle's annotation
    doc = etree.parse(str(schema_path(structure))).getroot()
    names = {}
    for appinfo in doc.iter(f"{{{XS}}}appinfo"):
        if appinfo.get("source") == ITEM_SOURCE:
            documentation = appinfo.getprevious()
            assert documentation is not None and documentation.tag == f"{{{XS}}}documentation"
            assert documentation.get("{http://www.w3.org/XML/1998/namespace}lang") == "ru"
            names[appinfo.text.strip()] = documentation.text.strip()
    return [(item_id, name, multiplicity, names[item_id]) for item_id, name, multiplicity, _ in found]


def _model_items(model: type[XmlModel], seen: set[type] | None = None) -> list[tuple[str, str, str]]:
    seen = seen or set()
    found = []
    for field in model.xml_fields():
        for item_id in field.items:
            found.append((item_id, f"{model.__name__}.{field.name}", field.multiplicity))
        if field.model is not None and field.model not in seen:
            seen.add(field.model)
            found.extend(_model_items(field.model, seen))
    return found


def test_every_table_1_item_is_one_xsd_particle_with_the_tables_multiplicity_and_name() -> None:
    particles = _certificate_particles()
    table = tables.TABLES[1]
    assert sorted(p[0] for p in particles) == sorted(i.id for i in table), "each item exactly once"
    for item_id, name, multiplicity, documentation in particles:
        entry = tables.item(item_id)
        assert multiplicity == entry.multiplicity, (item_id, name)
        assert documentation == entry.name_ru, item_id
    assert tables.item("T1/5").multiplicity_as_printed == ""  # blank in the seed, taken as 1


def test_every_table_1_item_is_one_model_field_with_the_tables_multiplicity() -> None:
    found = [row for row in _model_items(Root) if row[0].startswith("T1/")]
    assert sorted(row[0] for row in found) == sorted(i.id for i in tables.TABLES[1])
    for item_id, where, multiplicity in found:
        assert multiplicity == tables.item(item_id).multiplicity, (item_id, where)


def test_model_and_xsd_put_each_table_1_item_on_the_same_element() -> None:
    xsd = {item_id: name.split(":")[1] for item_id, name, _, _ in _certificate_particles()}
    model = {}
    for cls in (cert.RegistrationCertificateDetails, cert.CertificateProductDetails):
        for field in cls.xml_fields():
            for item_id in field.items:
                model[item_id] = field.qname.split(":")[1]
    assert model == xsd


# =================================================================================================
# R.SM.SS.07.001 — registration number (Table 1 item 3)
# =================================================================================================
@pytest.mark.parametrize(
    ("written", "normal"),
    [
        (RU_NUMBER, RU_NUMBER),
        ("КZ.16.01.78.003.Е.000123.03.21", "KZ.16.01.78.003.E.000123.03.21"),  # Cyrillic К and Е
        ("КЗ.16.01.78.003.E.000123.03.21", "KZ.16.01.78.003.E.000123.03.21"),  # Cyrillic К and З
        ("RU.77.99.88.003.Р.001234.05.24", RU_NUMBER),  # Cyrillic Р for R
        ("РУ.77.99.88.003.R.001234.05.24", RU_NUMBER),  # "RU" typed in Cyrillic
        ("ВУ.70.06.01.015.Е.004200.09.20", "BY.70.06.01.015.E.004200.09.20"),
        ("RU.77.AB.88.003.R.001234.05.24", "RU.77.АВ.88.003.R.001234.05.24"),  # Latin A, B in VV -> Cyrillic
        (" RU. 77.99 .88.003.R.001234.05.24 ", RU_NUMBER),  # stray spaces
        ("ru.77.99.88.003.r.001234.05.24", RU_NUMBER),
        ("AM.01.ЯЯ.01.001.E.000001.12.22", "AM.01.ЯЯ.01.001.E.000001.12.22"),
    ],
)
def test_look_alike_registration_numbers_normalise(written: str, normal: str) -> None:
    assert cert.normalise_registration_number(written) == normal
    assert cert.normalise_registration_number(normal) == normal  # idempotent


@pytest.mark.parametrize(
    ("written", "part"),
    [
        ("RU.77.99.88.003.R.001234.13.24", "MM"),
        ("RU.77.99.88.003.R.001234.00.24", "MM"),
        ("RU.77.99.88.003.X.001234.05.24", "E"),
        ("XX.77.99.88.003.R.001234.05.24", "AA"),
        ("DE.77.99.88.003.R.001234.05.24", "AA"),
        ("RU.7.99.88.003.R.001234.05.24", "BB"),
        ("RU.77.9Ж!.88.003.R.001234.05.24", "VV"),
        ("RU.77.QQ.88.003.R.001234.05.24", "VV"),
        ("RU.77.99.8A.003.R.001234.05.24", "GG"),
        ("RU.77.99.88.03.R.001234.05.24", "DDD"),
        ("RU.77.99.88.003.R.01234.05.24", "ZZZZZZ"),
        ("RU.77.99.88.003.R.001234.05.2024", "YY"),
        ("RU.77.99.88.003.R.001234.05", ""),
        ("RU-77-99-88-003-R-001234-05-24", ""),
    ],
)
def test_registration_numbers_off_the_template_are_rejected(written: str, part: str) -> None:
    with pytest.raises(cert.RegistrationNumberError) as caught:
        cert.normalise_registration_number(written)
    assert caught.value.part == part
    assert caught.value.reason_ru and caught.value.reason_en
    assert isinstance(caught.value, ValueError)


def test_look_alike_number_is_accepted_normalised_and_kept_as_written() -> None:
    written = "КZ.16.01.78.003.Р.000541.05.24"  # Cyrillic К and Р
    document = Root.model_validate(one_cert(registration_number_as_written=written))
    certificate = document.registration_certificate_details[0]
    assert certificate.registration_number == KZ_NUMBER
    assert certificate.registration_number_as_written == written
    back = round_trip("R.SM.SS.07.001", document)
    assert b"\xd0\x9aZ.16" in document.to_xml()  # the wire keeps "КZ" as written
    assert back.registration_certificate_details[0].registration_number == KZ_NUMBER


def test_spaces_in_the_number_are_tolerated() -> None:
    document = Root.model_validate(one_cert(registration_number_as_written="KZ. 16.01.78.003.R.000541.05.24"))
    assert document.registration_certificate_details[0].registration_number == KZ_NUMBER


@pytest.mark.parametrize(
    ("written", "rule"),
    [
        ("KZ.16.01.78.003.R.000541.13.24", "certificate.number.template"),  # month 13
        ("KZ.16.01.78.003.X.000541.05.24", "certificate.number.template"),  # letter X
        ("RU.16.01.78.003.R.000541.05.24", "certificate.number.country"),  # KZ certificate, RU number
        ("KZ.16.01.78.003.R.000541.06.24", "certificate.number.issue_date"),  # issued in May
        ("KZ.16.01.78.003.R.000541.05.23", "certificate.number.issue_date"),  # issued in 2024
        ("KZ.16.01.78.003.E.000541.05.24", "certificate.number.letter_e"),  # E with technical regulations
    ],
)
def test_registration_number_rules(written: str, rule: str) -> None:
    assert rule_codes(Root, one_cert(registration_number_as_written=written)) == {rule}


def test_template_error_names_the_part_and_the_paragraph() -> None:
    (error,) = errors_of(Root, one_cert(registration_number_as_written="KZ.16.01.78.003.R.000541.13.24"))
    assert error["loc"] == ("registration_certificate_details", 0, "registration_number_as_written")
    assert error["ctx"]["part"] == "MM" and "13" in error["ctx"]["reason_ru"]
    assert cert.NUMBER_TEMPLATE.paragraph == "Приложение 2, таблица 1, п. 3"


def test_letter_r_requires_a_technical_regulation() -> None:
    data = one_cert(union_act_details={"sanitary_requirements_section_text": ["Глава II, раздел 1"]})
    (error,) = errors_of(Root, data)
    assert error["type"] == "certificate.number.letter_r"
    assert error["loc"] == ("registration_certificate_details", 0, "union_act_details")


def test_letter_e_takes_a_section_of_the_unified_sanitary_requirements() -> None:
    Root.model_validate(certificate_document(ru_certificate()))  # E + chapter II section: good
    data = ru_certificate()
    data["union_act_details"]["technical_regulation_id"] = ["ТР ТС 021/2011"]
    assert rule_codes(Root, certificate_document(data)) == {"certificate.number.letter_e"}


def test_acts_may_not_be_empty() -> None:
    assert "certificate.acts.empty" in rule_codes(Root, one_cert(union_act_details={}))


def test_member_state_country_and_authority_country() -> None:
    assert rule_codes(Root, one_cert(unified_country_code=code("DE"))) >= {"country.member_state"}
    authority = kz_authority() | {"unified_country_code": code("RU")}
    assert rule_codes(Root, one_cert(unified_authority_details=authority)) == {
        "certificate.authority.country"
    }


# =================================================================================================
# R.SM.SS.07.001 — validity (item 5) and status (item 6)
# =================================================================================================
@pytest.mark.parametrize(
    ("validity", "rule"),
    [
        (
            {"start_date": "2024-05-17", "end_date": "2029-05-16", "unlimited_validity_indicator": "1"},
            "end_or_unlimited",
        ),
        ({"start_date": "2024-05-17"}, "end_or_unlimited"),
        ({"start_date": "2024-05-17", "unlimited_validity_indicator": "false"}, "end_or_unlimited"),
        ({"start_date": "2024-05-17", "end_date": "2024-05-16"}, "order"),
    ],
)
def test_validity_rules(validity: dict[str, str], rule: str) -> None:
    assert rule_codes(Root, one_cert(certificate_validity_period_details=validity)) == {
        f"certificate.validity.{rule}"
    }


@pytest.mark.parametrize(
    "validity",
    [
        {"start_date": "2024-05-17", "unlimited_validity_indicator": "true"},
        {"start_date": "2024-05-17", "end_date": "2029-05-16"},
        {"start_date": "2024-05-17", "end_date": "2029-05-16", "unlimited_validity_indicator": "false"},
        {"start_date": "2024-05-17", "end_date": "2024-05-17"},
    ],
)
def test_good_validity_is_accepted(validity: dict[str, str]) -> None:
    document = Root.model_validate(one_cert(certificate_validity_period_details=validity))
    period = document.registration_certificate_details[0].certificate_validity_period_details
    assert period.unlimited == (period.end_date is None)


def test_unlimited_and_end_date_names_the_indicator() -> None:
    validity = {"start_date": "2024-05-17", "end_date": "2029-05-16", "unlimited_validity_indicator": "true"}
    (error,) = errors_of(Root, one_cert(certificate_validity_period_details=validity))
    assert error["loc"][-1] == "unlimited_validity_indicator"
    assert "не ограничен" in cert.VALIDITY_END_OR_UNLIMITED.ru


@pytest.mark.parametrize(
    ("status", "rule"),
    [
        (
            {"certificate_status_code": code("4", "SM.CLS.006"), "start_date": "2024-05-17"},
            "certificate.status.code",
        ),
        (
            {
                "certificate_status_code": code("2", "SM.CLS.006"),
                "start_date": "2025-02-10",
                "end_date": "2025-02-09",
            },
            "certificate.status.order",
        ),
        (
            {"certificate_status_code": code("3", "SM.CLS.006"), "start_date": "2024-05-16"},
            "certificate.status.before_issue",
        ),
    ],
)
def test_status_rules(status: dict[str, Any], rule: str) -> None:
    assert rule_codes(Root, one_cert(certificate_status_details=status)) == {rule}


@pytest.mark.parametrize("status_code", ["1", "2", "3"])
def test_every_status_of_the_code_list_is_accepted(status_code: str) -> None:
    status = {"certificate_status_code": code(status_code, "SM.CLS.006"), "start_date": "2025-01-10"}
    Root.model_validate(one_cert(certificate_status_details=status))
    assert status_code in code_list("certificate_statuses")


def test_several_problems_are_reported_together() -> None:
    data = one_cert(
        registration_number_as_written="RU.16.01.78.003.R.000541.06.24",
        certificate_status_details={
            "certificate_status_code": code("1", "SM.CLS.006"),
            "start_date": "2024-01-01",
        },
    )
    assert rule_codes(Root, data) == {
        "certificate.number.country",
        "certificate.number.issue_date",
        "certificate.status.before_issue",
    }


def test_notes_of_table_1_are_required_inside_shared_types() -> None:
    data = kz_certificate()
    del data["applicant_details"]["business_entity_id"]
    data["manufacturer_details"]["subject_address_details"] = []
    del data["certificate_product_details"]["doc_reference_details"][0]["doc_name"]
    errors = errors_of(Root, certificate_document(data))
    assert {(e["type"], e["loc"][-1]) for e in errors} == {
        ("missing", "business_entity_id"),
        ("too_short", "subject_address_details"),
        ("missing", "doc_name"),
    }


def test_table_1_items_with_several_values() -> None:
    data = kz_certificate()
    data["conformity_evidence_doc_details"] = []
    assert "too_short" in rule_codes(Root, certificate_document(data))
    data = kz_certificate()
    data["certificate_product_details"]["doc_reference_details"] = []
    assert "too_short" in rule_codes(Root, certificate_document(data))


# =================================================================================================
# R.SM.SS.08.004 / .005 — laboratory protocol
# =================================================================================================
def test_protocol_request_reads_the_certificate_number_tolerantly() -> None:
    data = lab_request() | {"certificate_number_as_written": "КZ.16.01.78.003.Р.000541.05.24"}
    request = lab.LaboratoryProtocolRequestDetails.model_validate(data)
    assert request.certificate_number == KZ_NUMBER
    round_trip("R.SM.SS.08.004", request)


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"laboratory_test_kind_code": code("99", "SM.CLS.014")}, "laboratory.test_kind"),
        ({"certificate_number_as_written": "KZ.16.01.78.003.R.000541.5.24"}, "certificate.number.template"),
        ({"doc_creation_date": "2024-06-17"}, "certificate.number.issue_date"),
        (
            {"unified_authority_details": ru_authority() | {"unified_country_code": code("CN")}},
            "country.member_state",
        ),
    ],
)
def test_protocol_request_rules(changes: dict[str, Any], rule: str) -> None:
    assert rule_codes(lab.LaboratoryProtocolRequestDetails, lab_request() | changes) == {rule}


def test_refusal_is_a_valid_answer() -> None:
    answer = lab.LaboratoryProtocolDetails.model_validate(lab_refusal())
    assert answer.refused
    round_trip("R.SM.SS.08.005", answer)


def test_answer_is_protocols_or_refusal_exactly_one() -> None:
    both = lab_answer() | {"refusal_reason_code": code("2", "SM.CLS.015")}
    (error,) = errors_of(lab.LaboratoryProtocolDetails, both)
    assert error["type"] == "laboratory.answer.protocol_or_refusal"
    assert error["loc"] == ("refusal_reason_code",)
    neither = lab_answer() | {"doc_content_details": []}
    (error,) = errors_of(lab.LaboratoryProtocolDetails, neither)
    assert error["type"] == "laboratory.answer.protocol_or_refusal"
    assert error["loc"] == ("doc_content_details",)
    # the XSD alone lets both through (xs:sequence only, no xs:choice): the rule is the model's
    element = lab.LaboratoryProtocolDetails.model_validate(lab_answer()).to_element()
    refusal = etree.SubElement(
        element, f"{{{lab.ANSWER_NAMESPACE}}}RefusalReasonCode", codeListId="SM.CLS.015"
    )
    refusal.text = "2"
    assert lxml_schema("R.SM.SS.08.005").validate(element)
    report = validate_document(etree.tostring(element))
    assert [(i.rule, i.xpath) for i in report.issues] == [
        ("laboratory.answer.protocol_or_refusal", "/doc:LaboratoryProtocolDetails/doc:RefusalReasonCode")
    ]


def test_answer_refers_to_the_request() -> None:
    data = lab_answer()
    del data["e_doc_header"]["e_doc_ref_id"]
    (error,) = errors_of(lab.LaboratoryProtocolDetails, data)
    assert error["type"] == "header.ref_id_required"
    assert error["ctx"]["field"] == "e_doc_ref_id"
    data["e_doc_header"]["e_doc_ref_id"] = data["e_doc_header"]["e_doc_id"]
    assert rule_codes(lab.LaboratoryProtocolDetails, data) == {"header.ref_id_self"}


def _with_protocol(**changes: Any) -> dict[str, Any]:
    data = lab_answer()
    data["doc_content_details"][0].update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        (
            {"doc_binary_text": {"value": base64.b64encode(PDF).decode(), "media_type_code": "image/tiff"}},
            "laboratory.protocol.media_type",
        ),
        ({"doc_binary_text": {"value": base64.b64encode(PDF).decode()}}, "laboratory.protocol.media_type"),
        (
            {
                "doc_binary_text": {
                    "value": base64.b64encode(b"GIF89a...").decode(),
                    "media_type_code": "application/pdf",
                }
            },
            "laboratory.protocol.pdf",
        ),
        ({"doc_binary_text": None}, "laboratory.protocol.content"),
        ({"any_details": {"elements": ["<p xmlns='urn:example:protocol'/>"]}}, "laboratory.protocol.content"),
    ],
)
def test_protocol_document_rules(changes: dict[str, Any], rule: str) -> None:
    assert rule_codes(lab.LaboratoryProtocolDetails, _with_protocol(**changes)) == {rule}


def test_protocol_number_and_date_are_required() -> None:
    data = lab_answer()
    del data["doc_content_details"][0]["doc_id"]
    del data["doc_content_details"][0]["doc_creation_date"]
    errors = errors_of(lab.LaboratoryProtocolDetails, data)
    assert {(e["type"], e["loc"][-1]) for e in errors} == {
        ("missing", "doc_id"),
        ("missing", "doc_creation_date"),
    }


def test_electronic_protocol_is_accepted_by_the_model() -> None:
    data = _with_protocol(
        doc_binary_text=None, any_details={"elements": ["<p xmlns='urn:example:protocol'/>"]}
    )
    answer = lab.LaboratoryProtocolDetails.model_validate(data)
    assert answer.doc_content_details[0].any_details is not None


@pytest.mark.parametrize(
    ("reason", "ok"), [("1", True), ("2", True), ("3", True), ("4", False), ("0", False)]
)
def test_refusal_reasons(reason: str, ok: bool) -> None:
    data = lab_refusal() | {"refusal_reason_code": code(reason, "SM.CLS.015")}
    if ok:
        lab.LaboratoryProtocolDetails.model_validate(data)
    else:
        assert rule_codes(lab.LaboratoryProtocolDetails, data) == {"laboratory.refusal_reason"}


# =================================================================================================
# R.SM.SS.00.002 / .003 — information on request
# =================================================================================================
def test_request_criteria_rules() -> None:
    model = info.InformationRequestDetails
    good = info_request()
    request = model.model_validate(good)
    assert request.resource == info.DANGEROUS_PRODUCTS_DB
    bad = copy.deepcopy(good)
    bad["search_criteria_details"]["end_date"] = "2025-12-31"
    assert rule_codes(model, bad) == {"date.order"}
    bad = copy.deepcopy(good)
    bad["search_criteria_details"]["commodity_code"] = "7701"
    assert rule_codes(model, bad) == {"hs_code.chapter"}
    bad = copy.deepcopy(good)
    bad["search_criteria_details"]["unified_country_code"] = [code("DE")]
    assert rule_codes(model, bad) == {"country.member_state"}
    assert rule_codes(model, good | {"information_resource_code": code("5", "SM.CLS.016")}) == {
        "information.resource"
    }
    assert rule_codes(model, good | {"max_record_quantity": 0}) == {"greater_than_equal"}


def test_request_by_certificate_number_is_normalised() -> None:
    data = info_request() | {"information_resource_code": code("1", "SM.CLS.016")}
    data["search_criteria_details"] = {"certificate_number_as_written": "КZ.16.01.78.003.Р.000541.05.24"}
    request = info.InformationRequestDetails.model_validate(data)
    assert request.search_criteria_details.certificate_number == KZ_NUMBER
    round_trip("R.SM.SS.00.002", request)
    data["search_criteria_details"] = {"certificate_number_as_written": "KZ.16.01.78.003.Q.000541.05.24"}
    assert rule_codes(info.InformationRequestDetails, data) == {"certificate.number.template"}


def test_response_carries_only_records_of_the_requested_resource() -> None:
    model = info.InformationResponseDetails
    response = model.model_validate(info_response())
    assert len(response.records) == 1
    wrong = info_response() | {"information_resource_code": code("2", "SM.CLS.016")}
    (error,) = errors_of(model, wrong)
    assert error["type"] == "information.records_kind"
    assert error["loc"] == ("dangerous_product_alert_details", 0)
    assert error["ctx"]["element"] == "smcdo:DangerousProductAlertDetails"
    mixed = info_response() | {"registration_certificate_details": [kz_certificate()], "record_quantity": 2}
    assert rule_codes(model, mixed) == {"information.records_kind"}


def test_response_with_certificates_and_empty_response() -> None:
    model = info.InformationResponseDetails
    data = info_response() | {
        "information_resource_code": code("1", "SM.CLS.016"),
        "dangerous_product_alert_details": [],
        "registration_certificate_details": [kz_certificate(), ru_certificate()],
        "record_quantity": 57,
        "description_text": "Показаны первые 2 из 57 найденных свидетельств",
    }
    response = model.model_validate(data)
    assert [c.registration_number for c in response.records] == [KZ_NUMBER, RU_NUMBER.replace(".R.", ".E.")]
    back = round_trip("R.SM.SS.00.003", response)
    assert back.registration_certificate_details[1].registration_number_as_written.count("Е") == 1
    assert b'xmlns:cert="urn:EEC:R:SM:SS:07:StateRegistrationCertificate:v1.0.0"' in response.to_xml()
    empty = info_response() | {"dangerous_product_alert_details": [], "record_quantity": 0}
    round_trip("R.SM.SS.00.003", model.model_validate(empty))


def test_response_records_are_checked_as_their_table_reads_them() -> None:
    data = info_response()
    del data["dangerous_product_alert_details"][0]["detection_place_details"]  # Table 3 item 8 is 1
    assert "missing" in rule_codes(info.InformationResponseDetails, data)


def test_response_counts_and_reference() -> None:
    model = info.InformationResponseDetails
    assert rule_codes(model, info_response() | {"record_quantity": 0}) == {"information.record_count"}
    data = info_response()
    del data["e_doc_header"]["e_doc_ref_id"]
    assert rule_codes(model, data) == {"header.ref_id_required"}
    data = info_response()
    del data["unified_authority_details"]["authority_name"]
    assert rule_codes(model, data) == {"missing"}


# =================================================================================================
# R.SM.SS.00.001 — receipt
# =================================================================================================
@pytest.mark.parametrize(
    ("participant", "ok"),
    [
        ("authority:KZ", True),
        ("commission", True),
        ("supervisory:KZ:01", True),
        ("supervisory:RU:77-RPN", True),
        ("authority:DE", False),
        ("authority", False),
        ("supervisory:KZ", False),
        ("Commission", False),
    ],
)
def test_receipt_participant(participant: str, ok: bool) -> None:
    data = receipt() | {"receiving_participant_id": participant}
    if ok:
        round_trip("R.SM.SS.00.001", rcp.EDocReceiptDetails.model_validate(data))
    else:
        assert rule_codes(rcp.EDocReceiptDetails, data) == {"receipt.participant"}


def test_receipt_refers_to_the_document_received() -> None:
    data = receipt()
    del data["e_doc_header"]["e_doc_ref_id"]
    assert rule_codes(rcp.EDocReceiptDetails, data) == {"header.ref_id_required"}
    element = rcp.EDocReceiptDetails.model_validate(receipt()).to_element()
    ref = element.find(".//{urn:EEC:M:SimpleDataObjects:v0.4.12}EDocRefId")
    ref.getparent().remove(ref)
    assert lxml_schema("R.SM.SS.00.001").validate(element)  # EDocRefId is 0..1 in ccdo:EDocHeaderType
    report = validate_document(etree.tostring(element))
    assert [(i.rule, i.xpath) for i in report.issues] == [
        ("header.ref_id_required", "/doc:EDocReceiptDetails/ccdo:EDocHeader/csdo:EDocRefId")
    ]


def test_receipt_xsd_limits_the_participant_id() -> None:
    xml = rcp.EDocReceiptDetails.model_validate(receipt()).to_xml().replace(b"authority:KZ", b"x" * 101)
    assert not lxml_schema("R.SM.SS.00.001").validate(etree.fromstring(xml))


# =================================================================================================
# tests/data/<code>/: valid.xml passes the pipeline, each invalid file fails with its one rule
# =================================================================================================
#: file -> the rule its README says it breaks ("xsd": one XSD issue, whatever code diagnostics gives it)
EXPECTED: dict[str, dict[str, str]] = {
    "R.SM.SS.07.001": {
        "number-month-13.xml": "certificate.number.template",
        "unlimited-and-end-date.xml": "certificate.validity.end_or_unlimited",
        "letter-r-without-regulation.xml": "certificate.number.letter_r",
        "missing-issuing-authority.xml": "xsd",
    },
    "R.SM.SS.08.004": {
        "unknown-test-kind.xml": "laboratory.test_kind",
        "missing-issue-date.xml": "xsd",
        "number-not-matching-issue-date.xml": "certificate.number.issue_date",
    },
    "R.SM.SS.08.005": {
        "protocol-and-refusal.xml": "laboratory.answer.protocol_or_refusal",
        "missing-edocrefid.xml": "header.ref_id_required",
        "scan-not-pdf.xml": "laboratory.protocol.media_type",
        "refusal-without-codelistid.xml": "xsd",
    },
    "R.SM.SS.00.002": {
        "unknown-resource.xml": "information.resource",
        "period-end-before-start.xml": "date.order",
        "wrong-order.xml": "xsd",
    },
    "R.SM.SS.00.003": {
        "records-of-another-resource.xml": "information.records_kind",
        "record-count-too-small.xml": "information.record_count",
        "missing-edocrefid.xml": "header.ref_id_required",
    },
    "R.SM.SS.00.001": {
        "participant-not-member-state.xml": "receipt.participant",
        "missing-event-datetime.xml": "xsd",
        "missing-edocrefid.xml": "header.ref_id_required",
    },
}


@pytest.mark.parametrize("code_", OURS)
def test_valid_data_file_passes_and_matches_the_builder(code_: str) -> None:
    path = DATA / code_ / "valid.xml"
    data = path.read_bytes()
    report = validate_document(data)
    assert report.ok, [issue.one_line() for issue in report.issues]
    assert report.structure is not None and report.structure.code == code_
    xmlschema_schema(code_).validate(data.decode("utf-8"))
    assert (DATA / code_ / "README.md").is_file()


@pytest.mark.parametrize(("code_", "name"), [(c, n) for c, files in EXPECTED.items() for n in files])
def test_invalid_data_file_breaks_exactly_its_rule(code_: str, name: str) -> None:
    path = DATA / code_ / name
    report = validate_document(path.read_bytes())
    expected = EXPECTED[code_][name]
    found = [issue.stage if expected == "xsd" else issue.rule for issue in report.issues]
    assert found == [expected], [i.one_line() for i in report.issues]
    assert name in (DATA / code_ / "README.md").read_text(encoding="utf-8")


def test_every_data_file_is_listed() -> None:
    for code_ in OURS:
        files = {p.name for p in (DATA / code_).glob("*.xml")} - {"valid.xml"}
        assert files == set(EXPECTED[code_]), code_
        assert 2 <= len(files) <= 4


def test_dates_in_the_builders_are_consistent() -> None:
    # the registration numbers of the builders agree with their issue dates (items 3 and 4)
    for data in (kz_certificate(), ru_certificate()):
        number = cert.parse_registration_number(data["registration_number_as_written"])
        issued = dt.date.fromisoformat(data["doc_creation_date"])
        assert cert.issue_date_problem(number, issued) is None
