"""Realistic synthetic data across the five member states, for demos and benchmarks.

Certificates follow every Table 1 rule (number template consistent with country, date and letter;
technical regulations for letter R; statuses with dates); alerts are valid R.SM.SS.08.001/.002
documents built from the example documents with varied diseases, products, places and dates.
Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator
from typing import Any

from sanmeasures.contract.classifiers import code_list
from sanmeasures.contract.examples import example_document
from sanmeasures.contract.structures.certificate import RegistrationCertificateDetails
from sanmeasures.exchange.participants import AUTHORITY_NAMES

MEMBER_STATES = ("AM", "BY", "KZ", "KG", "RU")
COUNTRY_LIST = "P.CLS.019"

CITIES = {
    "AM": ("Ереван", "Гюмри", "Ванадзор"),
    "BY": ("Минск", "Гомель", "Брест", "Витебск"),
    "KZ": ("Алматы", "Астана", "Шымкент", "Караганда"),
    "KG": ("Бишкек", "Ош", "Джалал-Абад"),
    "RU": ("Москва", "Санкт-Петербург", "Новосибирск", "Казань", "Екатеринбург"),
}
LEGAL_FORMS = {"AM": "ООО", "BY": "ОАО", "KZ": "ТОО", "KG": "ОсОО", "RU": "ООО"}
COMPANY_WORDS = (
    "Агро",
    "Нутри",
    "Мол",
    "Хлеб",
    "Фарм",
    "Эко",
    "Сибирь",
    "Евразия",
    "Алтын",
    "Арарат",
    "Беловежье",
    "Тянь-Шань",
    "Волга",
    "Байтерек",
    "Север",
    "Исток",
    "Здоровье",
    "Детство",
    "Кристалл",
    "Полимер",
)
#: (product, HS code, product-code digits of the certificate number, technical regulations or None: E)
PRODUCTS = (
    ("Смесь сухая молочная для детского питания", "1901100000", "003", ("ТР ТС 021/2011", "ТР ТС 033/2013")),
    ("Вода питьевая бутилированная", "2201101100", "010", ("ТР ЕАЭС 044/2017",)),
    ("Биологически активная добавка к пище «Витамин D3»", "2106909808", "015", ("ТР ТС 021/2011",)),
    ("Пищевая добавка — консервант бензоат натрия", "2916310000", "017", ("ТР ТС 029/2012",)),
    ("Продукция специализированная для питания спортсменов", "2106909200", "016", ("ТР ТС 027/2012",)),
    ("Средство дезинфицирующее на основе хлоргексидина", "3808940000", "020", None),
    ("Краска водно-дисперсионная для внутренних работ", "3209100009", "024", None),
    ("Трубы полиэтиленовые для питьевого водоснабжения", "3917210009", "023", None),
    ("Косметическое средство для ухода за кожей детей", "3304990000", "006", ("ТР ТС 009/2011",)),
    ("Посуда одноразовая из полипропилена", "3924100000", "012", ("ТР ТС 005/2011",)),
)
LABORATORIES = (
    "Испытательный лабораторный центр ФБУЗ «Центр гигиены и эпидемиологии»",
    "Испытательный центр «Национальный центр экспертизы»",
    "Республиканский центр гигиены, эпидемиологии и общественного здоровья",
)


def _company(rng: random.Random, country: str) -> dict[str, Any]:
    name = f"{rng.choice(COMPANY_WORDS)}{rng.choice(COMPANY_WORDS).lower()}"
    city = rng.choice(CITIES[country])
    return {
        "unified_country_code": {"value": country, "code_list_id": COUNTRY_LIST},
        "business_entity_name": f"{LEGAL_FORMS[country]} «{name}»",
        "business_entity_id": {"value": str(rng.randrange(10**11, 10**12)), "kind_id": f"{country}01"},
        "subject_address_details": [
            {
                "unified_country_code": {"value": country, "code_list_id": COUNTRY_LIST},
                "city_name": city,
                "street_name": f"ул. {rng.choice(('Ленина', 'Абая', 'Мира', 'Победы', 'Садовая', 'Заводская'))}",
                "building_number_id": str(rng.randint(1, 250)),
            }
        ],
    }


def _authority_code(rng: random.Random) -> str:
    # ВВ of the number: two digits, or two Russian capitals (Table 1 item 3).
    if rng.random() < 0.5:
        return f"{rng.randint(1, 99):02d}"
    return "".join(rng.choice("АБВГДЕЖИКЛМНПРСТУФХ") for _ in range(2))


def certificate(rng: random.Random, sequence: int, *, today: dt.date) -> RegistrationCertificateDetails:
    """One valid certificate (every Table 1 rule holds)."""
    country = rng.choice(MEMBER_STATES)
    product, hs_code, product_code, regulations = rng.choice(PRODUCTS)
    issued = today - dt.timedelta(days=rng.randint(30, 6 * 365))
    letter = "R" if regulations else "E"
    number = (
        f"{country}.{rng.randint(1, 99):02d}.{_authority_code(rng)}.{rng.randint(1, 99):02d}.{product_code}."
        f"{letter}.{sequence % 1_000_000:06d}.{issued.month:02d}.{issued.year % 100:02d}"
    )
    status, status_start = "1", issued
    roll = rng.random()
    if roll < 0.06:
        status, status_start = (
            "2",
            issued + dt.timedelta(days=rng.randint(10, max(11, (today - issued).days))),
        )
    elif roll < 0.10:
        status, status_start = (
            "3",
            issued + dt.timedelta(days=rng.randint(10, max(11, (today - issued).days))),
        )
    validity: dict[str, Any] = {"start_date": issued.isoformat()}
    if rng.random() < 0.8:
        validity["unlimited_validity_indicator"] = "true"
    else:
        validity["end_date"] = (issued + dt.timedelta(days=rng.choice((365, 3 * 365, 5 * 365)))).isoformat()
    company = _company(rng, country)
    data = {
        "unified_country_code": {"value": country, "code_list_id": COUNTRY_LIST},
        "registration_number_as_written": number,
        "doc_creation_date": issued.isoformat(),
        "certificate_validity_period_details": validity,
        "certificate_status_details": {
            "certificate_status_code": {"value": status, "code_list_id": "SM.CLS.006"},
            "start_date": status_start.isoformat(),
        },
        "applicant_details": company,
        "certificate_product_details": {
            "product_name": product,
            "commodity_code": [hs_code],
            "doc_reference_details": [
                {"doc_name": "Технические условия", "doc_id": f"ТУ {rng.randint(1000, 9999)}-001"}
            ],
        },
        "manufacturer_details": company if rng.random() < 0.7 else _company(rng, rng.choice(MEMBER_STATES)),
        "union_act_details": (
            {"technical_regulation_id": list(regulations)}
            if regulations
            else {"sanitary_requirements_section_text": ["Глава II, раздел 5 Единых санитарных требований"]}
        ),
        "conformity_evidence_doc_details": [
            {
                "doc_name": "Протокол испытаний",
                "doc_id": f"{rng.randint(100, 9999)}-{rng.choice('МХФ')}",
                "doc_creation_date": (issued - dt.timedelta(days=rng.randint(3, 40))).isoformat(),
                "testing_laboratory_name": rng.choice(LABORATORIES),
            }
        ],
        "unified_authority_details": {
            "unified_country_code": {"value": country, "code_list_id": COUNTRY_LIST},
            "authority_name": AUTHORITY_NAMES[country],
        },
    }
    return RegistrationCertificateDetails.model_validate(data)


def certificates(
    count: int, *, seed: int = 2020, today: dt.date | None = None
) -> Iterator[RegistrationCertificateDetails]:
    rng = random.Random(seed)
    day = today or dt.date.today()
    for sequence in range(1, count + 1):
        yield certificate(rng, sequence, today=day)


DISEASES = (
    ("A02.0", "Сальмонеллезный энтерит", "Salmonella enterica"),
    ("A32.9", "Листериоз", "Listeria monocytogenes"),
    ("A05.1", "Ботулизм", "Clostridium botulinum"),
    ("A08.1", "Острая гастроэнтеропатия, вызванная норовирусом", "Norovirus"),
    ("A09", "Инфекционный гастроэнтерит", "Escherichia coli"),
    ("B15.9", "Гепатит A", "Hepatitis A virus"),
)
DANGEROUS_PRODUCTS = (
    ("Колбаса сырокопченая «Праздничная»", "1601009100", "Listeria monocytogenes"),
    ("Сыр мягкий «Домашний»", "0406103000", "Escherichia coli"),
    ("Мясо птицы охлажденное", "0207131000", "Salmonella spp."),
    ("Консервы рыбные «Шпроты в масле»", "1604131100", "бенз(а)пирен выше нормы"),
    ("Игрушка мягкая «Медвежонок»", "9503004100", "фталаты выше нормы"),
    ("Мед натуральный цветочный", "0409000000", "остатки антибиотиков"),
)


def alerts(count: int, *, seed: int = 2020, today: dt.date | None = None) -> Iterator[Any]:
    """``count`` alert documents (about a third morbidity, two thirds dangerous products)."""
    rng = random.Random(seed)
    day = today or dt.date.today()
    for number in range(1, count + 1):
        morbidity = rng.random() < 0.35
        document = example_document("R.SM.SS.08.001" if morbidity else "R.SM.SS.08.002")
        document.e_doc_header.e_doc_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        country = rng.choice(MEMBER_STATES)
        reported = day - dt.timedelta(days=rng.randint(0, 6 * 365))
        cases = (
            document.public_health_alert_details if morbidity else document.dangerous_product_alert_details
        )
        case = cases[0]
        del cases[1:]
        case.unified_country_code.value = country
        case.incident_id = f"{country}-{'M' if morbidity else 'DP'}-{reported.year}-{number:06d}"
        case.incident_kind_code = "1"
        case.doc_creation_date = reported
        case.end_date = None
        if case.unified_authority_details is not None:
            case.unified_authority_details.unified_country_code = None
            case.unified_authority_details.authority_name = AUTHORITY_NAMES[country]
        if morbidity:
            _vary_morbidity(rng, case, reported)
        else:
            _vary_product(rng, case, reported)
        yield document


def _vary_morbidity(rng: random.Random, case: Any, reported: dt.date) -> None:
    code, name, pathogen = rng.choice(DISEASES)
    incident = case.public_health_incident_details
    if incident is None:
        return
    problem = incident.disease_health_problem_details
    if problem.disease_health_problem_code is not None:
        problem.disease_health_problem_code.value = code
    problem.disease_health_problem_name = name
    for detail in problem.pathogen_details:
        detail.pathogen_name = pathogen
    incident.event_date = reported - dt.timedelta(days=rng.randint(0, 5))
    incident.end_date = None
    case.incident_alert_id_details = []


def _vary_product(rng: random.Random, case: Any, reported: dt.date) -> None:
    name, hs_code, finding = rng.choice(DANGEROUS_PRODUCTS)
    product = case.non_compliant_sanitary_product_details
    if product is None:
        return
    product.product_details.product_name = name
    product.product_details.commodity_code = hs_code
    product.product_details.description_text = f"{name}: выявлено — {finding}."
    for measure in case.sanitary_measure_base_details:
        measure.start_date = reported
        measure.end_date = None
        for activity in measure.measure_implementation_details:
            activity.start_date = reported
            activity.end_date = None
        for document in (measure.measure_doc_details, measure.initial_measure_doc_details):
            if document is not None:
                document.doc_creation_date = reported
                document.doc_start_date = None
                document.doc_validity_date = None
    for batch in product.non_compliant_sanitary_product_batch_details:
        if batch.batch_details is not None:
            batch.batch_details.manufacture_date = reported - dt.timedelta(days=rng.randint(5, 60))
            batch.batch_details.product_shelf_life_end_date = None


def member_state_names() -> dict[str, str]:
    states = code_list("member_states")
    return {code: states.get(code).name_ru for code in MEMBER_STATES}
