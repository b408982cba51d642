"""The pydantic models of the seven published EEC structures (blocks.py, structures/*).

For each structure: a realistic document built in Python survives XML and back, validates
against its XSD, keeps the XSD sequence order, enforces the Appendix 2 table where the
published XSD is looser (``TABLE_TIGHTENINGS``), applies the value rules, and derives the
table items that have no element (Table 2 item 9, Table 3 items 6, 7.6.4, 7.6.4.5.2).
"""

from __future__ import annotations

import datetime as dt
import inspect
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from pydantic import ValidationError

from sanmeasures.contract import blocks as b
from sanmeasures.contract import rules
from sanmeasures.contract.classifiers import COUNTRY_CODE_LIST_ID
from sanmeasures.contract.header import EDocHeader
from sanmeasures.contract.namespaces import PREFIXES, clark
from sanmeasures.contract.simple_content import (
    BinaryText,
    BusinessEntityId,
    CountryCode,
    DiseaseHealthProblemCode,
    OptionalQualifiedCode,
    PathogenKindCode,
    PhysicalMeasure,
    QualifiedCode,
    SanitaryProductTypeCode,
    UnifiedPhysicalMeasure,
)
from sanmeasures.contract.structures import (
    additional_info,
    dangerous_product_alert,
    dangerous_product_alert_response,
    measure_consideration,
    processing_result,
    public_health_alert,
    sanitary_measure,
)
from sanmeasures.contract.xmlmodel import XmlModel

XSD_DIR = Path(__file__).resolve().parents[2] / "schemas" / "xsd"

MODULES = (
    public_health_alert,
    dangerous_product_alert,
    dangerous_product_alert_response,
    processing_result,
    sanitary_measure,
    measure_consideration,
    additional_info,
)

RU_ALERT_DOC_ID = "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"


# ================================================================================================
# Building blocks of the sample documents
# ================================================================================================
def country(code: str) -> CountryCode:
    return CountryCode(value=code, code_list_id=COUNTRY_CODE_LIST_ID)


def header(envelope: str, edoc_code: str, *, doc_id: str | None = None, ref: str | None = None) -> EDocHeader:
    return EDocHeader(
        inf_envelope_code=envelope,
        e_doc_code=edoc_code,
        e_doc_id=doc_id or str(uuid.uuid4()),
        e_doc_ref_id=ref,
        e_doc_date_time=dt.datetime(2026, 3, 2, 10, 15, tzinfo=dt.timezone(dt.timedelta(hours=3))),
        language_code="ru",
    )


def rospotrebnadzor() -> b.UnifiedAuthorityDetails:
    return b.UnifiedAuthorityDetails(
        unified_country_code=country("RU"),
        authority_id="RU.RPN",
        authority_name="Федеральная служба по надзору в сфере защиты прав потребителей и благополучия человека",
        authority_brief_name="Роспотребнадзор",
    )


def kz_committee() -> b.UnifiedAuthorityDetails:
    return b.UnifiedAuthorityDetails(
        unified_country_code=country("KZ"),
        authority_id="KZ.KSEK",
        authority_name="Комитет санитарно-эпидемиологического контроля Министерства здравоохранения "
        "Республики Казахстан",
        authority_brief_name="КСЭК МЗ РК",
    )


def by_ministry() -> b.UnifiedAuthorityDetails:
    return b.UnifiedAuthorityDetails(
        unified_country_code=country("BY"),
        authority_name="Министерство здравоохранения Республики Беларусь",
    )


def ru_alert_id() -> b.IncidentAlertIdDetails:
    """The R.SM.SS.08.002 alert of Rospotrebnadzor that the other documents refer to."""
    return b.IncidentAlertIdDetails(
        unified_country_code=country("RU"),
        incident_id="RU-2026-000123",
        incident_kind_code="1",
        doc_creation_date=dt.date(2026, 3, 2),
    )


def kz_address(city: str, street: str, building: str) -> b.SubjectAddressDetails:
    return b.SubjectAddressDetails(
        address_kind_code="1",
        unified_country_code=country("KZ"),
        region_name="Алматинская область",
        city_name=city,
        street_name=street,
        building_number_id=building,
        post_code="050000",
    )


def manufacturer() -> b.SupplyChainPartyDetails:
    return b.SupplyChainPartyDetails(
        unified_country_code=country("KZ"),
        business_entity_name="Товарищество с ограниченной ответственностью «Алматинский мясокомбинат»",
        business_entity_brief_name="ТОО «Алматинский мясокомбинат»",
        business_entity_type_code=QualifiedCode(value="TOO", code_list_id="2049"),
        business_entity_type_name="Товарищество с ограниченной ответственностью",
        business_entity_id=BusinessEntityId(value="980140000123", kind_id="KZ01"),
        taxpayer_id="980140000123",
        subject_address_details=[kz_address("Алматы", "ул. Рыскулова", "103")],
        communication_details=[
            b.CommunicationDetails(
                communication_channel_code="TE",
                communication_channel_name="телефон",
                communication_channel_id=["+7 727 250 00 00", "+7 727 250 00 01"],
            ),
            b.CommunicationDetails(communication_channel_code="EM", communication_channel_id=["info@amk.kz"]),
        ],
        supply_chain_party_kind_code="01",
    )


def retailer() -> b.BusinessEntityDetails:
    return b.BusinessEntityDetails(
        unified_country_code=country("RU"),
        business_entity_name="Общество с ограниченной ответственностью «Торговый дом „Северный“»",
        business_entity_brief_name="ООО «ТД „Северный“»",
        business_entity_id=BusinessEntityId(value="1027700132195", kind_id="RU01"),
        taxpayer_id="7701234567",
        tax_registration_reason_code="770101001",
        subject_address_details=[
            b.SubjectAddressDetails(
                unified_country_code=country("RU"),
                region_name="Москва",
                city_name="Москва",
                street_name="Дмитровское шоссе",
                building_number_id="89",
                post_code="127411",
            )
        ],
    )


def sausage(**overrides: Any) -> dangerous_product_alert.AlertProductDetails:
    data: dict[str, Any] = {
        "product_id": "4870001234567",
        "product_name": "Колбаса сырокопчёная «Брауншвейгская»",
        "product_trade_name": ["Брауншвейгская премиум"],
        "description_text": "Колбаса сырокопчёная высшего сорта, батон 300 г в вакуумной упаковке",
        "commodity_code": "1601009100",
        "product_purpose_text": "Для непосредственного употребления в пищу",
        "storage_condition_text": "При температуре от 0 до +6 °C и относительной влажности 75–78 %",
        "product_label_text": "Колбаса сырокопчёная «Брауншвейгская». Масса нетто 300 г. Годен 120 суток.",
        "doc_reference_details": [
            b.DocReferenceDetails(
                doc_name="Колбасы сырокопчёные. Технические условия", doc_id="ГОСТ 16290-86"
            )
        ],
    }
    data.update(overrides)
    return dangerous_product_alert.AlertProductDetails(**data)


def shipping_document(number: str, day: int) -> b.ShippingDocumentDetails:
    # ProductDetails inside a shipping document is the untightened shared class: no description.
    return b.ShippingDocumentDetails(
        doc_kind_code=QualifiedCode(value="02015", code_list_id="2009"),
        doc_name="Международная товарно-транспортная накладная (CMR)",
        doc_creation_date=dt.date(2026, 2, day),
        doc_id=number,
        product_details=[b.ProductDetails(product_name="Колбаса сырокопчёная «Брауншвейгская», 300 г")],
        supply_chain_party_details=[manufacturer()],
    )


def declaration() -> b.ConformityDocDetails:
    return b.ConformityDocDetails(
        doc_kind_code=QualifiedCode(value="10", code_list_id="2001"),
        doc_name="Декларация о соответствии требованиям ТР ТС 021/2011, ТР ТС 034/2013",
        doc_id="ЕАЭС N RU Д-KZ.РА01.В.12345/25",
        doc_creation_date=dt.date(2025, 11, 20),
        doc_start_date=dt.date(2025, 11, 20),
        unified_authority_details=kz_committee(),
    )


def listeria_violation() -> b.RequirementViolationDetails:
    return b.RequirementViolationDetails(
        requirements_doc_details=[
            b.RequirementsDocDetails(
                technical_regulation_id="ТР ТС 021/2011",
                doc_name="О безопасности пищевой продукции",
                doc_structural_element_details=[
                    b.DocStructuralElementDetails(
                        doc_structural_element_name="Приложение", doc_structural_element_id="2"
                    ),
                    b.DocStructuralElementDetails(
                        doc_structural_element_name="пункт", doc_structural_element_id="1.1"
                    ),
                ],
                doc_reference_details=b.DocReferenceDetails(
                    doc_name="Решение Комиссии Таможенного союза",
                    doc_id="880",
                    doc_creation_date=dt.date(2011, 12, 9),
                ),
                description_text="Патогенные микроорганизмы, в том числе L. monocytogenes, не допускаются в 25 г",
            )
        ],
        discrepancy_of_quality_index_details=[
            b.DiscrepancyOfQualityIndexDetails(
                discrepancy_of_quality_index_code=OptionalQualifiedCode(value="LM25"),
                discrepancy_of_quality_index_name="Listeria monocytogenes в 25 г",
                discrepancy_of_quality_index_value="не допускается",
                normative_discrepancy_of_quality_index_indicator=True,
            ),
            b.DiscrepancyOfQualityIndexDetails(
                discrepancy_of_quality_index_code=OptionalQualifiedCode(value="LM25"),
                discrepancy_of_quality_index_name="Listeria monocytogenes в 25 г",
                discrepancy_of_quality_index_value="обнаружено",
                note_text="Протокол испытаний № 1187-М от 28.02.2026, ФБУЗ «Центр гигиены и эпидемиологии в г. Москве»",
                normative_discrepancy_of_quality_index_indicator=False,
            ),
        ],
        description_text="В пробе обнаружены Listeria monocytogenes",
    )


def batch(
    series: str, made: dt.date, consignment: str, cmr: str
) -> dangerous_product_alert.AlertBatchDetails:
    return dangerous_product_alert.AlertBatchDetails(
        batch_details=b.BatchDetails(
            batch_id=series,
            manufacture_date=made,
            product_shelf_life_end_date=made + dt.timedelta(days=120),
            unified_commodity_measure=UnifiedPhysicalMeasure(
                value=Decimal("1200"), measurement_unit_code="KGM", measurement_unit_code_list_id="2016"
            ),
            note_text="Серия выпущена по ГОСТ 16290-86",
        ),
        consignment_id=consignment,
        commodity_measure=PhysicalMeasure(value=Decimal("480.500"), measurement_unit_code="KGM"),
        shipping_document_details=[shipping_document(cmr, 10)],
        conformity_doc_details=[declaration()],
        requirement_violation_details=[listeria_violation()],
    )


def measure_document(number: str, day: int, **extra: Any) -> b.DocContentDetails:
    return b.DocContentDetails(
        unified_country_code=country("RU"),
        language_code="ru",
        doc_kind_code=QualifiedCode(value="07", code_list_id="2009"),
        doc_kind_name="Предписание",
        doc_name="Предписание о снятии продукции с реализации",
        doc_id=number,
        doc_creation_date=dt.date(2026, 3, day),
        doc_start_date=dt.date(2026, 3, day),
        authority_name="Управление Роспотребнадзора по г. Москве",
        page_quantity=2,
        **extra,
    )


def recall_measure() -> dangerous_product_alert.AlertMeasureDetails:
    return dangerous_product_alert.AlertMeasureDetails(
        language_code="ru",
        measure_code=OptionalQualifiedCode(value="04", code_list_id="SM.CLS.002"),
        measure_name="Отзыв продукции",
        measure_doc_details=measure_document("77-01/2026-145", 2),
        start_date=dt.date(2026, 3, 2),
        measure_initiation_basis_details=[
            b.SamplingActDocDetails(
                doc_kind_name="Федеральный закон",
                doc_name="О санитарно-эпидемиологическом благополучии населения",
                doc_id="52-ФЗ",
                doc_creation_date=dt.date(1999, 3, 30),
            )
        ],
        measure_justification_text="Несоответствие продукции требованиям ТР ТС 021/2011 по микробиологическим показателям",
        description_text="Снятие с реализации и отзыв серий 0125 и 0126",
        measure_affected_object_kind_code=["2"],
        measure_implementation_details=[
            b.MeasureImplementationDetails(
                unified_country_code=country("RU"),
                start_date=dt.date(2026, 3, 2),
                end_date=dt.date(2026, 3, 9),
                description_text="Изъятие продукции из торговой сети и её уничтожение",
                implementing_entity_details=[
                    b.ImplementingEntityDetails(
                        subject_details=b.SubjectDetails(
                            unified_country_code=country("RU"),
                            subject_name="Общество с ограниченной ответственностью «Торговый дом „Северный“»",
                            business_entity_id=BusinessEntityId(value="1027700132195", kind_id="RU01"),
                            communication_details=[
                                b.CommunicationDetails(communication_channel_id=["+7 495 000 00 00"])
                            ],
                        )
                    )
                ],
                measure_affected_object_kind_code=["2"],
                doc_reference_details=b.DocReferenceDetails(doc_name="Предписание", doc_id="77-01/2026-145"),
                region_name="Москва",
            )
        ],
    )


# ================================================================================================
# The seven sample documents
# ================================================================================================
def dangerous_product_alert_doc() -> dangerous_product_alert.DangerousProductAlertDetails:
    """Rospotrebnadzor: smoked sausage made in Kazakhstan with Listeria, two batches (Table 3)."""
    mod = dangerous_product_alert
    return mod.DangerousProductAlertDetails(
        e_doc_header=header("P.SS.08.MSG.017", "R.SM.SS.08.002", doc_id=RU_ALERT_DOC_ID),
        dangerous_product_alert_details=[
            mod.AlertDangerousProductDetails(
                **ru_alert_id().model_dump(),
                unified_authority_details=rospotrebnadzor(),
                non_compliant_sanitary_product_details=mod.AlertNonCompliantProductDetails(
                    sanitary_product_type_code=SanitaryProductTypeCode(value="001", code_list_id="1025"),
                    sanitary_product_type_name="Пищевая продукция",
                    product_details=sausage(),
                    supply_chain_party_details=manufacturer(),
                    non_compliant_sanitary_product_batch_details=[
                        batch("0125", dt.date(2026, 1, 25), "KZ-2026-0001234", "KZ-CMR-000871"),
                        batch("0126", dt.date(2026, 1, 26), "KZ-2026-0001235", "KZ-CMR-000872"),
                    ],
                ),
                detection_place_details=b.LocationDetails(
                    organization_details=retailer(),
                    object_address_details=b.ObjectAddressDetails(
                        unified_country_code=country("RU"),
                        region_name="Москва",
                        city_name="Москва",
                        street_name="Дмитровское шоссе",
                        building_number_id="89",
                    ),
                    geo_coordinate_details=[
                        b.GeoCoordinateDetails(
                            longitude_measure=Decimal("37.56438900"), latitude_measure=Decimal("55.86572800")
                        )
                    ],
                    description_text="Распределительный центр торговой сети",
                ),
                sanitary_measure_base_details=[recall_measure()],
                resource_item_status_details=b.ResourceItemStatusDetails(
                    validity_period_details=b.PeriodDetails(
                        start_date_time=dt.datetime(2026, 3, 2, 10, 15, tzinfo=dt.UTC)
                    ),
                    update_date_time=dt.datetime(2026, 3, 2, 10, 15, tzinfo=dt.UTC),
                ),
            )
        ],
    )


def public_health_alert_doc() -> public_health_alert.PublicHealthAlertDetails:
    """Kazakhstan: listeriosis cluster in Almaty linked to the RU dangerous-product alert (Table 2)."""
    mod = public_health_alert
    place = b.LocationDetails(
        border_checkpoint_details=b.BorderCheckpointDetails(
            border_checkpoint_code="39800001", border_checkpoint_name="Международный аэропорт Алматы"
        ),
        object_address_details=b.ObjectAddressDetails(
            unified_country_code=country("KZ"), city_name="Алматы", district_name="Алмалинский район"
        ),
        geo_coordinate_details=[
            b.GeoCoordinateDetails(
                longitude_measure=Decimal("76.88970900"), latitude_measure=Decimal("43.23894900")
            )
        ],
        description_text="Городская инфекционная больница, приёмное отделение",
    )
    return mod.PublicHealthAlertDetails(
        e_doc_header=header("P.SS.08.MSG.001", "R.SM.SS.08.001"),
        public_health_alert_details=[
            mod.AlertPublicHealthDetails(
                unified_country_code=country("KZ"),
                incident_id="KZ-2026-00045",
                incident_kind_code="1",
                doc_creation_date=dt.date(2026, 3, 4),
                unified_authority_details=kz_committee(),
                public_health_incident_details=mod.AlertPublicHealthIncidentDetails(
                    disease_health_problem_details=b.DiseaseHealthProblemDetails(
                        disease_health_problem_code=DiseaseHealthProblemCode(
                            value="A32.9", code_list_id="ICD-10"
                        ),
                        disease_health_problem_name="Листериоз неуточнённый",
                        pathogen_details=[
                            b.PathogenDetails(
                                pathogen_kind_code=PathogenKindCode(value="1", code_list_id="SM.CLS.011"),
                                pathogen_kind_name="бактерия",
                                pathogen_name="Listeria monocytogenes",
                            )
                        ],
                    ),
                    event_date=dt.date(2026, 3, 1),
                    end_date=dt.date(2026, 3, 3),
                    patient_group_details=[
                        b.PatientGroupDetails(
                            person_quantity=3,
                            age_group_code="A60",
                            disease_outcome_code="2",
                            laboratory_confirmed_indicator=True,
                        ),
                        b.PatientGroupDetails(
                            person_quantity=1, age_group_code="A00", disease_outcome_code="9"
                        ),
                    ],
                    detection_place_details=place,
                    crossborder_spread_risk_indicator=True,
                    spreading_zone_details=[
                        b.LocationDetails(
                            object_address_details=b.ObjectAddressDetails(
                                unified_country_code=country("KZ"), region_name="Алматинская область"
                            )
                        )
                    ],
                ),
                measure_code=[
                    OptionalQualifiedCode(value="10", code_list_id="SM.CLS.002"),
                    OptionalQualifiedCode(value="13", code_list_id="SM.CLS.002"),
                ],
                measure_name=["Изоляция и лечение больных", "Медицинское наблюдение за контактными лицами"],
                incident_alert_id_details=[ru_alert_id()],
            )
        ],
    )


def response_doc() -> dangerous_product_alert_response.DangerousProductAlertResponseDetails:
    """Kazakhstan answers the RU production-violation notice with the measures taken (Rules §38)."""
    mod = dangerous_product_alert_response
    measure = dangerous_product_alert.AlertMeasureDetails(
        measure_code=OptionalQualifiedCode(value="14", code_list_id="SM.CLS.002"),
        measure_name="Приостановление деятельности объекта",
        measure_doc_details=b.DocContentDetails(
            unified_country_code=country("KZ"),
            doc_name="Постановление о временном приостановлении деятельности",
            doc_id="ПП-02-117",
            doc_creation_date=dt.date(2026, 3, 6),
        ),
        start_date=dt.date(2026, 3, 6),
        end_date=dt.date(2026, 4, 6),
        description_text="Приостановлен выпуск сырокопчёных колбас до устранения нарушений",
        measure_affected_object_kind_code=["2"],
    )
    return mod.DangerousProductAlertResponseDetails(
        e_doc_header=header("P.SS.08.MSG.021", "R.SM.SS.08.003", ref=RU_ALERT_DOC_ID),
        unified_authority_details=kz_committee(),
        incident_alert_id_details=ru_alert_id(),
        sanitary_measure_base_details=[measure],
        description_text="Нарушение подтверждено: выявлено несоблюдение режима термической обработки на линии № 2.",
        doc_content_details=[
            b.DocContentDetails(
                doc_name="Акт санитарно-эпидемиологического обследования",
                doc_id="117",
                doc_creation_date=dt.date(2026, 3, 5),
                doc_binary_text=BinaryText(value=b"%PDF-1.7\n% sample\n", media_type_code="application/pdf"),
            )
        ],
    )


def processing_result_doc() -> processing_result.ProcessingResultDetails:
    return processing_result.ProcessingResultDetails(
        e_doc_header=header("P.SS.08.MSG.018", "R.006", ref=RU_ALERT_DOC_ID),
        event_date_time=dt.datetime(2026, 3, 2, 10, 16, 3, tzinfo=dt.UTC),
        processing_result_v2_code="2",
        description_text="Сведения приняты и включены в базу данных",
    )


def sanitary_measure_doc() -> sanitary_measure.SanitaryMeasureDetails:
    """Kazakhstan restricts imports of smoked sausages after the listeriosis cluster (Table 4)."""
    incident = b.PublicHealthIncidentDetails(  # Table 4 item 12: the shared class, not tightened
        disease_health_problem_details=b.DiseaseHealthProblemDetails(disease_health_problem_name="Листериоз"),
        event_date=dt.date(2026, 3, 1),
    )
    product = b.NonCompliantSanitaryProductDetails(  # Table 4 item 13: no description, no manufacturer needed
        sanitary_product_type_code=SanitaryProductTypeCode(value="001", code_list_id="1025"),
        product_details=b.ProductDetails(product_name="Колбасы сырокопчёные", commodity_code="160100"),
    )
    return sanitary_measure.SanitaryMeasureDetails(
        e_doc_header=header("P.SS.09.MSG.001", "R.SM.SS.09.001"),
        sanitary_measure_details=[
            sanitary_measure.TemporarySanitaryMeasureDetails(
                language_code="ru",
                measure_code=OptionalQualifiedCode(value="02", code_list_id="SM.CLS.002"),
                measure_name="Ограничение ввоза сырокопчёных колбас",
                measure_doc_details=b.DocContentDetails(
                    unified_country_code=country("KZ"),
                    language_code="ru",
                    doc_kind_code=QualifiedCode(value="05", code_list_id="2009"),
                    doc_name="Приказ о введении временной санитарной меры",
                    doc_id="112",
                    doc_creation_date=dt.date(2026, 3, 10),
                    doc_start_date=dt.date(2026, 3, 11),
                    doc_validity_date=dt.date(2026, 9, 11),
                    doc_validity_duration="P6M",
                    authority_name="Комитет санитарно-эпидемиологического контроля",
                    page_quantity=3,
                    doc_binary_text=BinaryText(value=b"%PDF-1.7\n", media_type_code="application/pdf"),
                ),
                start_date=dt.date(2026, 3, 11),
                end_date=dt.date(2026, 9, 11),
                measure_initiation_basis_details=[
                    b.SamplingActDocDetails(
                        doc_name="Договор о Евразийском экономическом союзе, статья 29", doc_id="б/н"
                    )
                ],
                measure_justification_text="Транзит продукции через территорию Республики Казахстан не ограничивается",
                description_text="Ввоз сырокопчёных колбас допускается только при наличии протокола "
                "лабораторных исследований на L. monocytogenes",
                incident_alert_id_details=[ru_alert_id()],
                measure_affected_object_kind_code=["2"],
                measure_reason_code="1",
                measure_implementation_details=[
                    b.MeasureImplementationDetails(
                        unified_country_code=country("KZ"),
                        start_date=dt.date(2026, 3, 11),
                        description_text="Усиленный лабораторный контроль в пунктах пропуска",
                        measure_affected_object_kind_code=["2", "3"],
                        border_checkpoint_details=b.BorderCheckpointDetails(border_checkpoint_name="Жайсан"),
                    )
                ],
                measure_repeal_condition_text="Отсутствие новых случаев листериоза в течение 60 дней",
                public_health_incident_details=incident,
                non_compliant_sanitary_product_details=[product],
            )
        ],
    )


def consideration_doc() -> measure_consideration.SanitaryMeasureConsiderationDetails:
    """Rospotrebnadzor reviews the KZ measure and introduces enhanced control (Table 5)."""
    mod = measure_consideration
    return mod.SanitaryMeasureConsiderationDetails(
        e_doc_header=header("P.SS.09.MSG.004", "R.SM.SS.09.003"),
        unified_authority_details=rospotrebnadzor(),
        measure_doc_details=mod.ReviewedMeasureDocDetails(
            unified_country_code=country("KZ"),
            doc_name="Приказ о введении временной санитарной меры",
            doc_id="112",
            doc_creation_date=dt.date(2026, 3, 10),
        ),
        measure_implementation_details=[
            b.MeasureImplementationDetails(
                unified_country_code=country("RU"),
                start_date=dt.date(2026, 3, 12),
                end_date=dt.date(2026, 6, 12),
                description_text="Усиленный лабораторный контроль сырокопчёных колбас из Республики Казахстан",
                implementing_entity_details=[
                    b.ImplementingEntityDetails(unified_authority_details=rospotrebnadzor())
                ],
                measure_affected_object_kind_code=["2"],
                doc_reference_details=b.DocReferenceDetails(doc_name="Письмо", doc_id="02/4512-2026-32"),
            )
        ],
        description_text="Мера рассмотрена; введены ответные мероприятия",
        doc_content_details=[
            b.DocContentDetails(doc_name="Письмо Роспотребнадзора", doc_id="02/4512-2026-32")
        ],
    )


def additional_info_doc() -> additional_info.AdditionalInfoDetails:
    """Belarus asks Rospotrebnadzor for the laboratory protocol of the RU alert (Table 6)."""
    return additional_info.AdditionalInfoDetails(
        e_doc_header=header("P.SS.09.MSG.007", "R.SM.SS.09.002"),
        unified_authority_details=by_ministry(),
        incident_alert_id_details=ru_alert_id(),
        unified_country_code=country("KZ"),
        measure_doc_reference_details=b.DocReferenceDetails(doc_name="Приказ", doc_id="112"),
        description_text="Просим представить протокол лабораторных исследований по сериям 0125 и 0126",
        sanitary_product_type_code=SanitaryProductTypeCode(value="001", code_list_id="1025"),
        product_name="Колбаса сырокопчёная «Брауншвейгская»",
        laboratory_test_method_name="Микробиологические исследования (ГОСТ 32031-2012)",
        doc_content_details=[
            b.DocContentDetails(
                doc_kind_code=QualifiedCode(value="11", code_list_id="2009"),
                doc_name="Протокол испытаний",
                doc_id="1187-М",
                doc_creation_date=dt.date(2026, 2, 28),
            )
        ],
    )


SAMPLES: dict[str, tuple[Any, Callable[[], XmlModel]]] = {
    "R.SM.SS.08.001": (public_health_alert, public_health_alert_doc),
    "R.SM.SS.08.002": (dangerous_product_alert, dangerous_product_alert_doc),
    "R.SM.SS.08.003": (dangerous_product_alert_response, response_doc),
    "R.006": (processing_result, processing_result_doc),
    "R.SM.SS.09.001": (sanitary_measure, sanitary_measure_doc),
    "R.SM.SS.09.003": (measure_consideration, consideration_doc),
    "R.SM.SS.09.002": (additional_info, additional_info_doc),
}


# ================================================================================================
# Round trip, XSD, structure descriptors
# ================================================================================================
@pytest.mark.parametrize("code", list(SAMPLES))
def test_round_trip(code: str) -> None:
    module, build = SAMPLES[code]
    document = build()
    xml = document.to_xml()
    root = etree.fromstring(xml)
    assert root.tag == clark(module.STRUCTURE.root.xml_root)
    parsed = module.STRUCTURE.root.from_element(root)
    assert parsed == document
    assert type(parsed) is type(document)
    assert parsed.to_xml() == xml


@pytest.mark.parametrize("code", list(SAMPLES))
def test_sample_is_valid_against_the_xsd(code: str) -> None:
    module, build = SAMPLES[code]
    schema = etree.XMLSchema(file=str(XSD_DIR / module.STRUCTURE.xsd_file))
    document = etree.fromstring(build().to_xml())
    assert schema.validate(document), "\n".join(str(e) for e in schema.error_log)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.STRUCTURE.code)
def test_structure_descriptor(module: Any) -> None:
    structure = module.STRUCTURE
    assert structure.root.xml_root.split(":")[0] in PREFIXES
    assert (XSD_DIR / structure.xsd_file).is_file()
    assert structure.namespace.startswith("urn:EEC:R:")
    assert structure.title_ru and structure.title_en
    tree = etree.parse(str(XSD_DIR / structure.xsd_file))
    assert tree.getroot().get("targetNamespace") == structure.namespace
    declared = tree.getroot().findall("{http://www.w3.org/2001/XMLSchema}element")
    assert [e.get("name") for e in declared] == [structure.root_element]


def test_header_code_matches_structure() -> None:
    for code, (_module, build) in SAMPLES.items():
        assert build().e_doc_header.e_doc_code == code


# ================================================================================================
# XSD sequence order
# ================================================================================================
#: Children of some types in the order of the dictionaries (SS08 §2.2/§6, SS09 §2.1/§5).
DICTIONARY_ORDER: dict[type[XmlModel], list[str]] = {
    b.DangerousProductAlertDetails: [
        "csdo:UnifiedCountryCode", "smsdo:IncidentId", "smsdo:IncidentKindCode", "csdo:DocCreationDate",
        "csdo:EndDate", "ccdo:UnifiedAuthorityDetails", "smcdo:NonCompliantSanitaryProductDetails",
        "smcdo:DetectionPlaceDetails", "smcdo:SanitaryMeasureBaseDetails", "ccdo:ResourceItemStatusDetails",
    ],
    b.PublicHealthAlertDetails: [
        "csdo:UnifiedCountryCode", "smsdo:IncidentId", "smsdo:IncidentKindCode", "csdo:DocCreationDate",
        "csdo:EndDate", "ccdo:UnifiedAuthorityDetails", "smcdo:PublicHealthIncidentDetails", "smsdo:MeasureCode",
        "smsdo:MeasureName", "smcdo:IncidentAlertIdDetails", "ccdo:ResourceItemStatusDetails",
    ],
    b.ProductDetails: [
        "csdo:ProductId", "csdo:ProductName", "smsdo:ProductTradeName", "csdo:DescriptionText",
        "csdo:CommodityCode", "smsdo:ProductPurposeText", "smsdo:ProductApplicationMethodText",
        "smsdo:ReleaseFormText", "smsdo:StorageConditionText", "smsdo:ProductLabelText",
        "ccdo:DocReferenceDetails",
    ],
    b.NonCompliantSanitaryProductBatchDetails: [
        "smcdo:BatchDetails", "smsdo:ConsignmentId", "csdo:CommodityMeasure", "smcdo:ShippingDocumentDetails",
        "smcdo:ConformityDocDetails", "smcdo:RequirementViolationDetails",
    ],
    b.BatchDetails: [
        "smsdo:BatchId", "csdo:ManufactureDate", "csdo:ProductShelfLifeEndDate", "csdo:UnifiedCommodityMeasure",
        "csdo:NoteText",
    ],
    b.ShippingDocumentDetails: [
        "csdo:DocKindCode", "csdo:DocName", "csdo:DocCreationDate", "csdo:DocId", "smcdo:ProductDetails",
        "ccdo:SupplyChainPartyDetails",
    ],
    b.ConformityDocDetails: [
        "csdo:DocKindCode", "csdo:DocName", "csdo:DocId", "csdo:DocCreationDate", "csdo:DocStartDate",
        "ccdo:UnifiedAuthorityDetails",
    ],
    b.SupplyChainPartyDetails: [
        "csdo:UnifiedCountryCode", "csdo:BusinessEntityName", "csdo:BusinessEntityBriefName",
        "csdo:BusinessEntityTypeCode", "csdo:BusinessEntityTypeName", "csdo:BusinessEntityId",
        "csdo:UniqueCustomsNumberId", "csdo:TaxpayerId", "csdo:TaxRegistrationReasonCode",
        "ccdo:SubjectAddressDetails", "ccdo:CommunicationDetails", "csdo:SupplyChainPartyKindCode",
    ],
    b.SanitaryMeasureBaseDetails: [
        "csdo:LanguageCode", "smsdo:MeasureCode", "smsdo:MeasureName", "smcdo:MeasureDocDetails",
        "smcdo:InitialMeasureDocDetails", "csdo:StartDate", "csdo:EndDate", "smcdo:MeasureInitiationBasisDetails",
        "smsdo:MeasureJustificationText", "csdo:DescriptionText", "smsdo:MeasureAffectedObjectKindCode",
        "smcdo:MeasureImplementationDetails",
    ],
    b.MeasureImplementationDetails: [
        "csdo:UnifiedCountryCode", "csdo:StartDate", "csdo:EndDate", "csdo:DescriptionText",
        "smcdo:ImplementingEntityDetails", "smsdo:MeasureAffectedObjectKindCode", "ccdo:DocReferenceDetails",
        "csdo:RegionName", "smcdo:BorderCheckpointDetails",
    ],
    b.SanitaryMeasureDetails: [
        "csdo:LanguageCode", "smsdo:MeasureCode", "smsdo:MeasureName", "smcdo:MeasureDocDetails",
        "smcdo:InitialMeasureDocDetails", "csdo:StartDate", "csdo:EndDate", "smcdo:MeasureInitiationBasisDetails",
        "smsdo:MeasureJustificationText", "csdo:DescriptionText", "smcdo:IncidentAlertIdDetails",
        "smsdo:MeasureAffectedObjectKindCode", "smsdo:MeasureReasonCode", "smcdo:MeasureImplementationDetails",
        "smsdo:MeasureRepealConditionText", "smcdo:PublicHealthIncidentDetails",
        "smcdo:NonCompliantSanitaryProductDetails", "ccdo:ResourceItemStatusDetails",
    ],
    b.PublicHealthIncidentDetails: [
        "smcdo:DiseaseHealthProblemDetails", "csdo:EventDate", "csdo:EndDate", "smcdo:PatientGroupDetails",
        "smcdo:DetectionPlaceDetails", "smsdo:CrossborderSpreadRiskIndicator", "smcdo:SpreadingZoneDetails",
    ],
    b.LocationDetails: [
        "smcdo:OrganizationDetails", "smcdo:BorderCheckpointDetails", "ccdo:ObjectAddressDetails",
        "ccdo:GeoCoordinateDetails", "csdo:DescriptionText",
    ],
    b.GeoCoordinateDetails: ["csdo:LongitudeMeasure", "csdo:LatitudeMeasure"],
    b.DocContentDetails: [
        "csdo:UnifiedCountryCode", "csdo:LanguageCode", "csdo:DocKindCode", "csdo:DocKindName", "csdo:DocName",
        "csdo:DocSeriesId", "csdo:DocId", "csdo:DocCreationDate", "csdo:DocStartDate", "csdo:DocValidityDate",
        "csdo:DocValidityDuration", "csdo:AuthorityId", "csdo:AuthorityName", "csdo:DescriptionText",
        "csdo:PageQuantity", "ccdo:AnyDetails", "csdo:DocBinaryText",
    ],
    b.SubjectDetails: [
        "csdo:UnifiedCountryCode", "csdo:SubjectName", "csdo:SubjectBriefName", "csdo:BusinessEntityTypeCode",
        "csdo:BusinessEntityTypeName", "csdo:BusinessEntityId", "csdo:UniqueCustomsNumberId", "csdo:TaxpayerId",
        "csdo:TaxRegistrationReasonCode", "ccdo:IdentityDocV3Details", "ccdo:SubjectAddressDetails",
        "ccdo:CommunicationDetails",
    ],
    b.RequirementViolationDetails: [
        "smcdo:RequirementsDocDetails", "smcdo:DiscrepancyOfQualityIndexDetails", "csdo:DescriptionText",
    ],
    sanitary_measure.SanitaryMeasureDetails: ["ccdo:EDocHeader", "smcdo:SanitaryMeasureDetails"],
    measure_consideration.SanitaryMeasureConsiderationDetails: [
        "ccdo:EDocHeader", "ccdo:UnifiedAuthorityDetails", "smcdo:MeasureDocDetails",
        "smcdo:MeasureImplementationDetails", "csdo:DescriptionText", "ccdo:DocContentDetails",
    ],
    additional_info.AdditionalInfoDetails: [
        "ccdo:EDocHeader", "ccdo:UnifiedAuthorityDetails", "smcdo:IncidentAlertIdDetails",
        "csdo:UnifiedCountryCode", "smcdo:MeasureDocReferenceDetails", "csdo:DescriptionText",
        "smsdo:SanitaryProductTypeCode", "csdo:ProductName", "smsdo:LaboratoryTestMethodName",
        "ccdo:DocContentDetails",
    ],
    dangerous_product_alert_response.DangerousProductAlertResponseDetails: [
        "ccdo:EDocHeader", "ccdo:UnifiedAuthorityDetails", "smcdo:IncidentAlertIdDetails",
        "smcdo:SanitaryMeasureBaseDetails", "csdo:DescriptionText", "ccdo:DocContentDetails",
    ],
    processing_result.ProcessingResultDetails: [
        "ccdo:EDocHeader", "csdo:EventDateTime", "csdo:ProcessingResultV2Code", "csdo:DescriptionText",
    ],
}  # fmt: skip


@pytest.mark.parametrize(
    "cls", list(DICTIONARY_ORDER), ids=lambda c: f"{c.__module__.rsplit('.', 1)[-1]}.{c.__name__}"
)
def test_declared_children_follow_the_dictionary(cls: type[XmlModel]) -> None:
    assert [f.qname for f in cls.xml_fields() if f.kind == "element"] == DICTIONARY_ORDER[cls]


def test_context_subclasses_keep_the_order_of_their_base() -> None:
    pairs = [
        (dangerous_product_alert.AlertDangerousProductDetails, b.DangerousProductAlertDetails),
        (dangerous_product_alert.AlertProductDetails, b.ProductDetails),
        (dangerous_product_alert.AlertNonCompliantProductDetails, b.NonCompliantSanitaryProductDetails),
        (dangerous_product_alert.AlertBatchDetails, b.NonCompliantSanitaryProductBatchDetails),
        (dangerous_product_alert.AlertMeasureDetails, b.SanitaryMeasureBaseDetails),
        (public_health_alert.AlertPublicHealthDetails, b.PublicHealthAlertDetails),
        (public_health_alert.AlertPublicHealthIncidentDetails, b.PublicHealthIncidentDetails),
        (sanitary_measure.TemporarySanitaryMeasureDetails, b.SanitaryMeasureDetails),
        (measure_consideration.ReviewedMeasureDocDetails, b.DocContentDetails),
    ]
    for sub, base in pairs:
        assert [f.qname for f in sub.xml_fields()] == [f.qname for f in base.xml_fields()], sub.__name__


def _children(element: etree._Element) -> list[str]:
    out = []
    for child in element:
        uri, _, local = child.tag[1:].partition("}")
        prefix = next(p for p, u in PREFIXES.items() if u == uri)
        out.append(f"{prefix}:{local}")
    return out


def _dedup(names: list[str]) -> list[str]:
    return [n for i, n in enumerate(names) if i == 0 or names[i - 1] != n]


def _expected(cls: type[XmlModel], present: list[str]) -> list[str]:
    return [q for q in DICTIONARY_ORDER[cls] if q in present]


def test_serialised_children_follow_the_dictionary() -> None:
    ns = {p: u for p, u in PREFIXES.items()}
    root = etree.fromstring(dangerous_product_alert_doc().to_xml())
    checks = {
        "smcdo:DangerousProductAlertDetails": b.DangerousProductAlertDetails,
        ".//smcdo:NonCompliantSanitaryProductDetails/smcdo:ProductDetails": b.ProductDetails,
        ".//smcdo:NonCompliantSanitaryProductBatchDetails": b.NonCompliantSanitaryProductBatchDetails,
        ".//smcdo:BatchDetails": b.BatchDetails,
        ".//smcdo:ShippingDocumentDetails": b.ShippingDocumentDetails,
        ".//smcdo:ConformityDocDetails": b.ConformityDocDetails,
        ".//smcdo:NonCompliantSanitaryProductDetails/ccdo:SupplyChainPartyDetails": b.SupplyChainPartyDetails,
        ".//smcdo:SanitaryMeasureBaseDetails": b.SanitaryMeasureBaseDetails,
        ".//smcdo:MeasureImplementationDetails": b.MeasureImplementationDetails,
        ".//smcdo:DetectionPlaceDetails": b.LocationDetails,
        ".//ccdo:GeoCoordinateDetails": b.GeoCoordinateDetails,
    }
    for path, cls in checks.items():
        element = root.find(path, ns)
        assert element is not None, path
        names = _dedup(_children(element))
        assert names == _expected(cls, names), path
    # The listed elements really are there (the check above is not vacuous).
    case = root.find("smcdo:DangerousProductAlertDetails", ns)
    assert len(_dedup(_children(case))) == 9
    measure_root = etree.fromstring(sanitary_measure_doc().to_xml())
    measure = measure_root.find("smcdo:SanitaryMeasureDetails", ns)
    names = _dedup(_children(measure))
    assert names == _expected(b.SanitaryMeasureDetails, names)
    assert names[:3] == ["csdo:LanguageCode", "smsdo:MeasureCode", "smsdo:MeasureName"]


def test_items_sit_on_the_mapped_fields() -> None:
    def items(cls: type[XmlModel], name: str) -> tuple[str, ...]:
        return next(f.items for f in cls.xml_fields() if f.name == name)

    assert items(b.IncidentAlertIdDetails, "unified_country_code") == ("T2/1", "T3/1")
    assert items(b.NonCompliantSanitaryProductBatchDetails, "shipping_document_details") == ("T3/7.6.4.3",)
    assert items(b.RequirementViolationDetails, "discrepancy_of_quality_index_details") == (
        "T3/7.6.4.5.2.1",
        "T3/7.6.4.5.2.2",
    )
    assert items(measure_consideration.SanitaryMeasureConsiderationDetails, "measure_doc_details") == (
        "T5/2",
        "T5/3",
        "T5/4",
    )
    assert items(measure_consideration.ReviewedMeasureDocDetails, "unified_country_code") == ("T5/2",)
    assert items(additional_info.AdditionalInfoDetails, "doc_content_details") == ("T6/5", "T6/8")
    assert items(dangerous_product_alert.AlertProductDetails, "description_text") == ("T3/7.2",)


# ================================================================================================
# Table tightenings
# ================================================================================================
def _drop(data: Any, path: tuple[Any, ...], field: str, *, as_empty_list: bool) -> None:
    target = data
    for step in path:
        target = target[step]
    if as_empty_list:
        target[field] = []
    else:
        del target[field]


_DPA_CASE: tuple[Any, ...] = ("dangerous_product_alert_details", 0)
_DPA_PRODUCT = (*_DPA_CASE, "non_compliant_sanitary_product_details")
_PHA_CASE: tuple[Any, ...] = ("public_health_alert_details", 0)

#: "Class.field" of a TABLE_TIGHTENINGS entry -> (sample code, path to an instance of Class).
TIGHTENING_PATHS: dict[str, tuple[str, tuple[Any, ...]]] = {
    "AlertPublicHealthDetails.unified_authority_details": ("R.SM.SS.08.001", _PHA_CASE),
    "AlertPublicHealthIncidentDetails.patient_group_details": (
        "R.SM.SS.08.001",
        (*_PHA_CASE, "public_health_incident_details"),
    ),
    "AlertPublicHealthIncidentDetails.detection_place_details": (
        "R.SM.SS.08.001",
        (*_PHA_CASE, "public_health_incident_details"),
    ),
    "AlertDangerousProductDetails.unified_authority_details": ("R.SM.SS.08.002", _DPA_CASE),
    "AlertDangerousProductDetails.detection_place_details": ("R.SM.SS.08.002", _DPA_CASE),
    "AlertProductDetails.description_text": ("R.SM.SS.08.002", (*_DPA_PRODUCT, "product_details")),
    "AlertNonCompliantProductDetails.sanitary_product_type_code": ("R.SM.SS.08.002", _DPA_PRODUCT),
    "AlertNonCompliantProductDetails.supply_chain_party_details": ("R.SM.SS.08.002", _DPA_PRODUCT),
    "AlertNonCompliantProductDetails.non_compliant_sanitary_product_batch_details": (
        "R.SM.SS.08.002",
        _DPA_PRODUCT,
    ),
    "AlertMeasureDetails.measure_code": ("R.SM.SS.08.002", (*_DPA_CASE, "sanitary_measure_base_details", 0)),
    "AlertMeasureDetails.measure_affected_object_kind_code": (
        "R.SM.SS.08.002",
        (*_DPA_CASE, "sanitary_measure_base_details", 0),
    ),
    "TemporarySanitaryMeasureDetails.language_code": ("R.SM.SS.09.001", ("sanitary_measure_details", 0)),
    "ReviewedMeasureDocDetails.unified_country_code": ("R.SM.SS.09.003", ("measure_doc_details",)),
    "ReviewedMeasureDocDetails.doc_id": ("R.SM.SS.09.003", ("measure_doc_details",)),
    "ReviewedMeasureDocDetails.doc_creation_date": ("R.SM.SS.09.003", ("measure_doc_details",)),
}
_RESPONSE_MEASURE = ("sanitary_measure_base_details", 0)

ALL_TIGHTENINGS = [(module.STRUCTURE.code, entry) for module in MODULES for entry in module.TABLE_TIGHTENINGS]


def test_every_tightening_is_tested_and_well_formed() -> None:
    assert {entry[3] for _code, entry in ALL_TIGHTENINGS} == set(TIGHTENING_PATHS)
    for code, (item, table_mult, xsd_mult, target) in ALL_TIGHTENINGS:
        assert item.startswith("T")
        assert table_mult in ("1", "1..*") and xsd_mult in ("0..1", "0..*"), (code, item)
        class_name, field_name = target.split(".")
        module = SAMPLES[code][0]
        cls = getattr(module, class_name)
        field = next(f for f in cls.xml_fields() if f.name == field_name)
        assert item in field.items, (code, item)
        assert field.min_occurs == 1, (code, target)  # the model enforces the table
        upper = "1" if xsd_mult == "0..1" else None
        assert (field.max_occurs == 1) == (upper == "1"), (code, target)  # never a tighter upper bound


@pytest.mark.parametrize(("code", "entry"), ALL_TIGHTENINGS, ids=lambda v: v if isinstance(v, str) else v[3])
def test_tightening_rejects_a_missing_item(code: str, entry: tuple[str, str, str, str]) -> None:
    module, build = SAMPLES[code]
    item, table_mult, _xsd_mult, target = entry
    field = target.split(".")[1]
    if code == "R.SM.SS.08.003":
        path = _RESPONSE_MEASURE
    else:
        sample, path = TIGHTENING_PATHS[target]
        assert sample == code
    data = build().model_dump()
    module.STRUCTURE.root.model_validate(data)  # the untouched sample is valid
    _drop(data, path, field, as_empty_list=table_mult == "1..*")
    with pytest.raises(ValidationError) as caught:
        module.STRUCTURE.root.model_validate(data)
    errors = caught.value.errors()
    assert any(e["loc"] == (*path, field) for e in errors), (item, [e["loc"] for e in errors])
    assert {e["type"] for e in errors if e["loc"] == (*path, field)} <= {"missing", "too_short"}


def test_shared_blocks_are_not_tightened() -> None:
    # The same gaps are fine in contexts where the table does not apply (XSD multiplicities).
    b.ProductDetails(product_name="Колбаса")
    b.NonCompliantSanitaryProductDetails(product_details=b.ProductDetails(product_name="Колбаса"))
    b.DocContentDetails()
    b.PublicHealthIncidentDetails(
        disease_health_problem_details=b.DiseaseHealthProblemDetails(), event_date=dt.date(2026, 3, 1)
    )
    b.SanitaryMeasureBaseDetails(measure_doc_details=b.DocContentDetails(), start_date=dt.date(2026, 3, 1))
    b.DangerousProductAlertDetails(**ru_alert_id().model_dump())
    b.TemporaryMeasureDetails(measure_doc_details=b.DocContentDetails(), start_date=dt.date(2026, 3, 1))
    # The table-4 product keeps the shared class even inside the tightened table-4 measure.
    sanitary_measure_doc()


def test_consignment_items_are_required_once_a_consignment_is_given() -> None:
    """Table 3 item 7.6.4 (0.1, no element): its items 7.6.4.3–7.6.4.5 are 1.*, 1, 1.* when it is given."""
    mod = dangerous_product_alert
    assert {e[3] for e in mod.CONDITIONAL_TIGHTENINGS} == {
        "AlertBatchDetails.shipping_document_details",
        "AlertBatchDetails.conformity_doc_details",
        "AlertBatchDetails.requirement_violation_details",
    }
    # A series without any consignment data: 7.6.4 absent, nothing else required.
    series_only = mod.AlertBatchDetails(batch_details=b.BatchDetails(batch_id="0127"))
    assert not series_only.has_consignment
    # A consignment number alone: the three mandatory items are missing, each reported at its field.
    with pytest.raises(ValidationError) as caught:
        mod.AlertBatchDetails(consignment_id="KZ-2026-0001236")
    errors = caught.value.errors()
    assert [e["loc"] for e in errors] == [
        ("shipping_document_details",),
        ("conformity_doc_details",),
        ("requirement_violation_details",),
    ]
    assert {e["type"] for e in errors} == {"table3.consignment_item"}
    assert errors[0]["ctx"]["item"] == "7.6.4.3"
    # Inside a whole document the loc leads to the batch.
    data = dangerous_product_alert_doc().model_dump()
    del data["dangerous_product_alert_details"][0]["non_compliant_sanitary_product_details"][
        "non_compliant_sanitary_product_batch_details"
    ][1]["conformity_doc_details"]
    with pytest.raises(ValidationError) as caught:
        mod.DangerousProductAlertDetails.model_validate(data)
    assert [e["loc"] for e in caught.value.errors()] == [
        (
            "dangerous_product_alert_details",
            0,
            "non_compliant_sanitary_product_details",
            "non_compliant_sanitary_product_batch_details",
            1,
            "conformity_doc_details",
        )
    ]


def test_response_measures_follow_table_3() -> None:
    data = response_doc().model_dump()
    del data["sanitary_measure_base_details"][0]["measure_code"]
    with pytest.raises(ValidationError) as caught:
        dangerous_product_alert_response.DangerousProductAlertResponseDetails.model_validate(data)
    assert caught.value.errors()[0]["loc"] == ("sanitary_measure_base_details", 0, "measure_code")


# ================================================================================================
# Value rules
# ================================================================================================
def _error_types(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return {e["type"] for e in exc.value.errors()}


def test_country_codes_come_from_the_world_classifier() -> None:
    with pytest.raises(ValidationError) as caught:
        b.UnifiedAuthorityDetails(unified_country_code=country("XX"))
    assert _error_types(caught) == {"country.iso3166"}
    with pytest.raises(ValidationError) as caught:
        b.SubjectAddressDetails(unified_country_code=country("XX"))
    assert _error_types(caught) == {"country.iso3166"}
    with pytest.raises(ValidationError) as caught:
        b.MeasureImplementationDetails(
            unified_country_code=country("XX"), start_date=dt.date(2026, 1, 1), description_text="x"
        )
    assert _error_types(caught) == {"country.iso3166"}
    # A third-country manufacturer is fine.
    assert b.SupplyChainPartyDetails(unified_country_code=country("DE"), supply_chain_party_kind_code="01")
    with pytest.raises(ValidationError):  # csdo:UnifiedCountryCodeType pattern [A-Z]{2}
        b.ObjectAddressDetails(unified_country_code=country("ru"))


def test_reporting_country_must_be_a_member_state() -> None:
    data = ru_alert_id().model_dump()
    data["unified_country_code"] = {"value": "DE", "code_list_id": COUNTRY_CODE_LIST_ID}
    with pytest.raises(ValidationError) as caught:
        b.IncidentAlertIdDetails.model_validate(data)
    assert _error_types(caught) == {"country.member_state"}
    assert caught.value.errors()[0]["loc"][0] == "unified_country_code"
    for member in ("AM", "BY", "KZ", "KG", "RU"):
        data["unified_country_code"]["value"] = member
        b.IncidentAlertIdDetails.model_validate(data)
    # Table 5 item 2: the state that introduced the reviewed measure.
    with pytest.raises(ValidationError) as caught:
        measure_consideration.ReviewedMeasureDocDetails(
            unified_country_code=country("DE"), doc_id="1", doc_creation_date=dt.date(2026, 1, 1)
        )
    assert _error_types(caught) == {"country.member_state"}


def test_language_code_is_iso_639_1() -> None:
    with pytest.raises(ValidationError) as caught:
        b.DocContentDetails(language_code="xx")
    assert _error_types(caught) == {"language.iso639"}
    assert b.DocContentDetails(language_code="kk").language_code == "kk"
    with pytest.raises(ValidationError) as caught:
        b.SanitaryMeasureBaseDetails(
            language_code="qq", measure_doc_details=b.DocContentDetails(), start_date=dt.date(2026, 1, 1)
        )
    assert _error_types(caught) == {"language.iso639"}


def test_measure_ground_is_one_of_1_to_4() -> None:
    base = {"measure_doc_details": b.DocContentDetails(), "start_date": dt.date(2026, 3, 1)}
    with pytest.raises(ValidationError) as caught:
        b.SanitaryMeasureDetails(measure_reason_code="5", **base)
    assert _error_types(caught) == {"measure.ground"}
    for ground in "1234":
        assert b.SanitaryMeasureDetails(measure_reason_code=ground, **base).measure_reason_code == ground


def test_measure_object_kind_is_1_2_or_3() -> None:
    base = {"measure_doc_details": b.DocContentDetails(), "start_date": dt.date(2026, 3, 1)}
    with pytest.raises(ValidationError) as caught:
        b.SanitaryMeasureBaseDetails(measure_affected_object_kind_code=["2", "9"], **base)
    assert _error_types(caught) == {"measure.object_kind"}
    assert caught.value.errors()[0]["loc"] == ("measure_affected_object_kind_code", 1)
    with pytest.raises(ValidationError) as caught:
        b.SanitaryMeasureDetails(measure_affected_object_kind_code=["9"], **base)
    assert _error_types(caught) == {"measure.object_kind"}
    with pytest.raises(ValidationError) as caught:
        b.MeasureImplementationDetails(
            unified_country_code=country("RU"),
            start_date=dt.date(2026, 1, 1),
            description_text="x",
            measure_affected_object_kind_code=["9"],
        )
    assert _error_types(caught) == {"measure.object_kind"}
    assert b.SanitaryMeasureBaseDetails(measure_affected_object_kind_code=["1", "2", "3"], **base)


def test_incident_kind_comes_from_the_classifier() -> None:
    data = ru_alert_id().model_dump()
    data["incident_kind_code"] = "9"
    with pytest.raises(ValidationError) as caught:
        b.IncidentAlertIdDetails.model_validate(data)
    assert _error_types(caught) == {"incident.kind"}


def test_hs_code_chapter_exists() -> None:
    with pytest.raises(ValidationError) as caught:
        b.ProductDetails(product_name="x", commodity_code="7700")
    assert _error_types(caught) == {"hs_code.chapter"}
    with pytest.raises(ValidationError):  # csdo:CommodityCodeType pattern: 2, 4, 6 or 8–10 digits
        b.ProductDetails(product_name="x", commodity_code="160")
    assert b.ProductDetails(product_name="x", commodity_code="1601").commodity_code == "1601"


def test_icd10_code_shape() -> None:
    with pytest.raises(ValidationError) as caught:
        b.DiseaseHealthProblemDetails(
            disease_health_problem_code=DiseaseHealthProblemCode(value="A0", code_list_id="ICD-10")
        )
    assert _error_types(caught) == {"icd10.shape"}
    for good in ("A32.9", "A02", "B15.91"):
        b.DiseaseHealthProblemDetails(
            disease_health_problem_code=DiseaseHealthProblemCode(value=good, code_list_id="ICD-10")
        )
    # Another code list: no ICD-10 shape imposed.
    b.DiseaseHealthProblemDetails(
        disease_health_problem_code=DiseaseHealthProblemCode(value="A0", code_list_id="SM.CLS.099")
    )


def test_coordinates_are_in_range() -> None:
    with pytest.raises(ValidationError) as caught:
        b.GeoCoordinateDetails(longitude_measure=Decimal("76.9"), latitude_measure=Decimal("91"))
    assert _error_types(caught) == {"geo.range"}
    assert caught.value.errors()[0]["loc"] == ("latitude_measure",)
    with pytest.raises(ValidationError) as caught:
        b.GeoCoordinateDetails(longitude_measure=Decimal("-180.5"), latitude_measure=Decimal("43.2"))
    assert _error_types(caught) == {"geo.range"}
    point = b.GeoCoordinateDetails(longitude_measure=Decimal("-180"), latitude_measure=Decimal("90"))
    assert point.latitude_measure == 90


#: Every class with a start/end pair -> (kwargs without the pair, start field, end field, start, end).
_D1, _D2 = dt.date(2026, 3, 10), dt.date(2026, 3, 1)
DATE_PAIR_CASES: list[tuple[type[XmlModel], dict[str, Any], str, str, Any, Any]] = [
    (
        b.SanitaryMeasureBaseDetails,
        {"measure_doc_details": b.DocContentDetails()},
        "start_date",
        "end_date",
        _D1,
        _D2,
    ),
    (
        b.MeasureImplementationDetails,
        {"unified_country_code": country("RU"), "description_text": "x"},
        "start_date",
        "end_date",
        _D1,
        _D2,
    ),
    (
        b.TemporaryMeasureDetails,
        {"measure_doc_details": b.DocContentDetails()},
        "start_date",
        "end_date",
        _D1,
        _D2,
    ),
    (
        b.PublicHealthIncidentDetails,
        {"disease_health_problem_details": b.DiseaseHealthProblemDetails()},
        "event_date",
        "end_date",
        _D1,
        _D2,
    ),
    (
        b.IncidentAlertDetails,
        {k: v for k, v in ru_alert_id().model_dump().items() if k != "doc_creation_date"},
        "doc_creation_date",
        "end_date",
        _D1,
        _D2,
    ),
    (b.BatchDetails, {}, "manufacture_date", "product_shelf_life_end_date", _D1, _D2),
    (b.DocContentDetails, {}, "doc_start_date", "doc_validity_date", _D1, _D2),
    (
        b.PeriodDetails,
        {},
        "start_date_time",
        "end_date_time",
        dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 10, 11, tzinfo=dt.UTC),
    ),
]


@pytest.mark.parametrize(
    ("cls", "base", "start", "end", "early", "late"),
    DATE_PAIR_CASES,
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_end_date_not_before_start(
    cls: type[XmlModel], base: dict[str, Any], start: str, end: str, early: Any, late: Any
) -> None:
    assert issubclass(cls, rules.DatePairs)
    with pytest.raises(ValidationError) as caught:
        cls(**base, **{start: early, end: late})
    assert _error_types(caught) == {"date.order"}
    assert caught.value.errors()[0]["ctx"]["field"] == end
    cls(**base, **{start: late, end: early})
    cls(**base, **{start: early, end: early})


def test_date_order_inside_a_document() -> None:
    data = dangerous_product_alert_doc().model_dump()
    case = data["dangerous_product_alert_details"][0]
    case["end_date"] = dt.date(2026, 1, 1)  # closed before the alert was formed
    with pytest.raises(ValidationError) as caught:
        dangerous_product_alert.DangerousProductAlertDetails.model_validate(data)
    assert _error_types(caught) == {"date.order"}
    assert caught.value.errors()[0]["loc"] == ("dangerous_product_alert_details", 0)


def test_xsd_facets_are_kept() -> None:
    with pytest.raises(ValidationError):  # smsdo:TechnicalRegulationIdType: Cyrillic letters only
        b.RequirementsDocDetails(technical_regulation_id="TP TC 021/2011")
    assert b.RequirementsDocDetails(technical_regulation_id="ТР ЕАЭС 040/2016")
    with pytest.raises(ValidationError):  # ccdo:CommunicationDetailsType: CommunicationChannelId 1..*
        b.CommunicationDetails(communication_channel_id=[])
    with pytest.raises(ValidationError):  # bdt:DurationType
        b.DocContentDetails(doc_validity_duration="6 months")
    assert b.DocContentDetails(doc_validity_duration="P6M").doc_validity_duration == "P6M"
    with pytest.raises(ValidationError):  # csdo:SupplyChainPartyKindCode: length 2
        b.SupplyChainPartyDetails(supply_chain_party_kind_code="1")


# ================================================================================================
# Derived items
# ================================================================================================
def test_archive_flag_table3_item6() -> None:
    case = dangerous_product_alert_doc().dangerous_product_alert_details[0]
    assert case.end_date is None
    assert case.archive_flag == 1  # current
    closed = case.model_copy(update={"end_date": dt.date(2026, 4, 1)})
    assert closed.archive_flag == 0  # archived
    # Read from XML too.
    document = dangerous_product_alert_doc()
    document.dangerous_product_alert_details[0].end_date = dt.date(2026, 4, 1)
    parsed = dangerous_product_alert.DangerousProductAlertDetails.from_element(
        etree.fromstring(document.to_xml())
    )
    assert parsed.dangerous_product_alert_details[0].archive_flag == 0


def test_causes_table2_item9() -> None:
    case = public_health_alert_doc().public_health_alert_details[0]
    assert case.causes == (ru_alert_id(),)
    assert case.causes[0].incident_id == "RU-2026-000123"
    bare = case.model_copy(update={"incident_alert_id_details": []})
    assert bare.causes == ()


def test_consignment_table3_item_7_6_4() -> None:
    batches = dangerous_product_alert_doc().dangerous_product_alert_details[0]
    batch_list = batches.non_compliant_sanitary_product_details.non_compliant_sanitary_product_batch_details
    assert all(one.has_consignment for one in batch_list)
    assert not b.NonCompliantSanitaryProductBatchDetails(
        batch_details=b.BatchDetails(batch_id="1")
    ).has_consignment
    for field, value in [
        ("consignment_id", "KZ-2026-0001236"),
        ("commodity_measure", PhysicalMeasure(value=Decimal(1), measurement_unit_code="KGM")),
        ("shipping_document_details", [shipping_document("X-1", 1)]),
        ("conformity_doc_details", [declaration()]),
        ("requirement_violation_details", [listeria_violation()]),
    ]:
        assert b.NonCompliantSanitaryProductBatchDetails(**{field: value}).has_consignment, field


def test_violation_and_indicator_values_table3_item_7_6_4_5_2() -> None:
    violation = listeria_violation()
    assert violation.violation is violation
    normative, actual = violation.discrepancy_of_quality_index_details
    assert normative.is_normative and not normative.is_actual
    assert actual.is_actual and not actual.is_normative
    assert violation.normative_values == (normative,)
    assert violation.actual_values == (actual,)
    unflagged = b.DiscrepancyOfQualityIndexDetails(discrepancy_of_quality_index_value="120")
    assert unflagged.is_actual and not unflagged.is_normative


def test_indicator_attribute_on_the_wire() -> None:
    root = etree.fromstring(dangerous_product_alert_doc().to_xml())
    ns = {p: u for p, u in PREFIXES.items()}
    flags = [
        e.get("normativeDiscrepancyOfQualityIndexIndicator")
        for e in root.iterfind(".//smcdo:DiscrepancyOfQualityIndexDetails", ns)
    ]
    assert flags == ["true", "false", "true", "false"]
    parsed = b.DiscrepancyOfQualityIndexDetails.from_element(
        etree.fromstring(
            f'<smcdo:DiscrepancyOfQualityIndexDetails xmlns:smcdo="{PREFIXES["smcdo"]}" '
            'normativeDiscrepancyOfQualityIndexIndicator="1"/>'
        )
    )
    assert parsed.is_normative


# ================================================================================================
# The whole model tree against the EEC dictionary
# ================================================================================================
DICTIONARY_FILE = {
    "R.SM.SS.08.001": "SS08",
    "R.SM.SS.08.002": "SS08",
    "R.SM.SS.08.003": "SS08",
    "R.006": "SS08",
    "R.SM.SS.09.001": "SS09",
    "R.SM.SS.09.002": "SS09",
    "R.SM.SS.09.003": "SS09",
}


def _model_rows(cls: type[XmlModel], path: str, tightened: dict[str, str]) -> list[tuple[str, str]]:
    """(path, multiplicity) of every element below ``cls``; a tightened field reports its XSD multiplicity."""
    rows: list[tuple[str, str]] = []
    for spec in cls.xml_fields():
        if spec.kind == "any":
            rows.append((f"{path}/xs:any", "1..*"))
            continue
        if spec.kind != "element":
            continue
        here = f"{path}/{spec.qname}"
        owner = next(k for k in cls.__mro__ if spec.name in inspect.get_annotations(k))
        declared = tightened.get(f"{owner.__name__}.{spec.name}")
        if declared is not None:
            assert spec.min_occurs == 1, here
            rows.append((here, declared))
        else:
            rows.append((here, spec.multiplicity))
        if spec.model is not None:
            rows.extend(_model_rows(spec.model, here, tightened))
    return rows


@pytest.mark.parametrize("code", list(DICTIONARY_FILE))
def test_model_tree_equals_the_eec_dictionary(code: str) -> None:
    """Every element of the dictionary is a field, same order, same multiplicity (except the tightenings)."""
    from tests.support.eec_dictionary import Dictionary
    from tests.support.shared import shared_file

    module = SAMPLES[code][0]
    structure = module.STRUCTURE
    tightened = {entry[3]: entry[2] for entry in module.TABLE_TIGHTENINGS}
    dictionary = Dictionary(shared_file(f"eec/{DICTIONARY_FILE[code]}_structures.md"))
    root_label = f"doc:{structure.root_element}"
    expected = [(path, node.multiplicity) for path, node in dictionary.tree(root_label).walk()]
    ours = [(f"/{root_label}", "1"), *_model_rows(structure.root, f"/{root_label}", tightened)]
    missing = [row for row in expected if row not in ours]
    extra = [row for row in ours if row not in expected]
    assert not missing and not extra, f"missing: {missing[:10]}\nextra: {extra[:10]}"
    assert ours == expected
