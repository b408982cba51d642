"""Realistic documents of every structure, as national systems and the Commission would send them.

Integrators start from them (``sanmeasures example``, ``GET /api/v1/structures/{code}/example``);
tests, benchmarks and the demo data use them too. Each call builds a fresh document.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sanmeasures.contract import blocks as b
from sanmeasures.contract.classifiers import COUNTRY_CODE_LIST_ID
from sanmeasures.contract.header import EDocHeader
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
from sanmeasures.contract.structures import certificate as cert
from sanmeasures.contract.structures import information_request as info
from sanmeasures.contract.structures import laboratory_protocol as lab
from sanmeasures.contract.structures import receipt as rcp
from sanmeasures.contract.xmlmodel import XmlModel

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
        e_doc_header=header("P.SS.08.MSG.019", "R.SM.SS.08.003", ref=RU_ALERT_DOC_ID),
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
        e_doc_header=header("P.SS.00.MSG.004", "R.006", ref=RU_ALERT_DOC_ID),
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
        e_doc_header=header("P.SS.09.MSG.002", "R.SM.SS.09.003"),
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
        e_doc_header=header("P.SS.09.MSG.003", "R.SM.SS.09.002"),
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


# =================================================================================================
# Structures of our own design (certificate, laboratory protocols, information requests, receipt)
# =================================================================================================
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
def code_data(value: str, code_list_id: str = COUNTRY_LIST) -> dict[str, str]:
    return {"value": value, "code_list_id": code_list_id}


def header_data(
    edoc_code: str, envelope: str, edoc_id: str, when: str, ref: str | None = None
) -> dict[str, Any]:
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
        "unified_country_code": code_data("KZ"),
        "authority_id": "KZ.KSEK",
        "authority_name": "Комитет санитарно-эпидемиологического контроля Министерства здравоохранения "
        "Республики Казахстан",
        "authority_brief_name": "КСЭК МЗ РК",
    }


def ru_authority() -> dict[str, Any]:
    return {
        "unified_country_code": code_data("RU"),
        "authority_id": "RU.RPN",
        "authority_name": "Федеральная служба по надзору в сфере защиты прав потребителей и благополучия человека",
        "authority_brief_name": "Роспотребнадзор",
    }


def kz_certificate() -> dict[str, Any]:
    """A KZ certificate for an infant formula (technical regulations, letter R), unlimited validity."""
    company = {
        "unified_country_code": code_data("KZ"),
        "business_entity_name": "Товарищество с ограниченной ответственностью «Балдәурен Нутришн»",
        "business_entity_brief_name": "ТОО «Балдәурен Нутришн»",
        "business_entity_id": {"value": "180540012345", "kind_id": "KZ01"},
        "subject_address_details": [
            {
                "address_kind_code": "1",
                "unified_country_code": code_data("KZ"),
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
            "unified_country_code": code_data("KZ"),
            "region_name": "Алматинская область",
            "settlement_name": "п. Отеген батыр",
            "street_name": "ул. Заводская",
            "building_number_id": "12",
        }
    )
    return {
        "unified_country_code": code_data("KZ"),
        "form_number_id": "0012457",
        "registration_number_as_written": KZ_NUMBER,
        "doc_creation_date": "2024-05-17",
        "certificate_validity_period_details": {
            "start_date": "2024-05-17",
            "unlimited_validity_indicator": "true",
        },
        "certificate_status_details": {
            "certificate_status_code": code_data("1", "SM.CLS.006"),
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
        unified_country_code=code_data("RU"),
        form_number_id=None,
        registration_number_as_written="RU.77.99.88.003.Е.001234.05.24",  # Cyrillic Е, as often written
        doc_creation_date="2024-05-28",
        certificate_validity_period_details={"start_date": "2024-05-28", "end_date": "2029-05-27"},
        certificate_status_details={
            "certificate_status_code": code_data("2", "SM.CLS.006"),
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
        "unified_country_code": code_data("RU"),
        "business_entity_name": "Общество с ограниченной ответственностью «Чистый дом»",
        "business_entity_id": {"value": "1237700123456", "kind_id": "RU01"},
        "subject_address_details": [{"unified_country_code": code_data("RU"), "city_name": "Москва"}],
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
        "e_doc_header": header_data(
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
        "e_doc_header": header_data(
            "R.SM.SS.08.004", "P.SS.08.MSG.020", REQUEST_ID, "2026-03-16T09:30:00+03:00"
        ),
        "unified_authority_details": ru_authority(),
        "certificate_number_as_written": KZ_NUMBER,
        "doc_creation_date": "2024-05-17",
        "laboratory_test_kind_code": code_data("03", "SM.CLS.014"),
        "laboratory_test_method_name": "Микробиологические показатели: КМАФАнМ, БГКП, S. aureus, сальмонеллы",
        "description_text": "Прошу представить протокол микробиологических испытаний, на основании которого выдано "
        "свидетельство, в связи с выявлением несоответствия продукции при проведении санитарного контроля.",
    }


def lab_answer() -> dict[str, Any]:
    """The KZ authority answers with the scanned protocol (PDF)."""
    return {
        "e_doc_header": header_data(
            "R.SM.SS.08.005",
            "P.SS.08.MSG.021",
            "d2a4f6b8-1c3e-4a5b-9d7f-2e4c6a8b0d13",
            "2026-03-17T11:05:00+05:00",
            ref=REQUEST_ID,
        ),
        "unified_authority_details": kz_authority(),
        "certificate_number_as_written": KZ_NUMBER,
        "doc_creation_date": "2024-05-17",
        "laboratory_test_kind_code": code_data("03", "SM.CLS.014"),
        "doc_content_details": [
            {
                "unified_country_code": code_data("KZ"),
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
    data["refusal_reason_code"] = code_data("3", "SM.CLS.015")
    data["description_text"] = (
        "Протокол содержит сведения, составляющие коммерческую тайну заявителя (п. 39 Правил)."
    )
    return data


def info_request() -> dict[str, Any]:
    """A KZ supervisory body asks the Commission's dangerous-products database (Rules §8)."""
    return {
        "e_doc_header": header_data(
            "R.SM.SS.00.002", "P.SS.00.MSG.001", QUERY_ID, "2026-03-20T10:00:00+05:00"
        ),
        "unified_authority_details": {
            "unified_country_code": code_data("KZ"),
            "authority_name": "Департамент санитарно-эпидемиологического контроля города Алматы",
        },
        "information_resource_code": code_data("3", "SM.CLS.016"),
        "search_criteria_details": {
            "unified_country_code": [code_data("RU")],
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
        "unified_country_code": code_data("RU"),
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
                "unified_country_code": code_data("BY"),
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
        "e_doc_header": header_data(
            "R.SM.SS.00.003",
            "P.SS.00.MSG.002",
            "5e8d1c3a-7f2b-4d6e-a9c1-3b5d7f9e1a24",
            "2026-03-20T10:00:07+03:00",
            ref=QUERY_ID,
        ),
        "unified_authority_details": {
            "authority_name": "Евразийская экономическая комиссия",
            "authority_brief_name": "ЕЭК",
        },
        "information_resource_code": code_data("3", "SM.CLS.016"),
        "record_quantity": 1,
        "dangerous_product_alert_details": [dangerous_product_record()],
    }


def receipt() -> dict[str, Any]:
    """The KZ node got the RU protocol request."""
    return {
        "e_doc_header": header_data(
            "R.SM.SS.00.001",
            "P.SS.00.MSG.003",
            "7a9c1e3b-5d7f-4a2c-8e6b-0d2f4a6c8e35",
            "2026-03-16T11:30:02+05:00",
            ref=REQUEST_ID,
        ),
        "event_date_time": "2026-03-16T11:30:01+05:00",
        "receiving_participant_id": "authority:KZ",
        "description_text": "Получено",
    }


#: structure code -> (root model, builder of a valid document as data)
OUR_BUILDERS = {
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


def example_document(code: str) -> XmlModel:
    """A fresh realistic document of the structure ``code``."""
    if code in SAMPLES:
        return SAMPLES[code][1]()
    if code in OUR_BUILDERS:
        model, make = OUR_BUILDERS[code]
        return model.model_validate(make())
    raise KeyError(f"no example for structure {code!r}")
