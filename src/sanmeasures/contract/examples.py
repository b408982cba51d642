"""Realistic documents of every structure, as national systems and the Commission would send them.

Integrators start from them (``sanmeasures example``, ``GET /api/v1/structures/{code}/example``);
tests, benchmarks and the demo data use them too. Each call builds a fresh document.
"""

from __future__ import annotations

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


def example_document(code: str) -> XmlModel:
    """A fresh realistic document of the structure ``code``."""
    try:
        _module, build = SAMPLES[code]
    except KeyError:
        raise KeyError(f"no example for structure {code!r}") from None
    return build()
