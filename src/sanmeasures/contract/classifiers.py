"""Every code list the node uses, in one place, each with its code-list id.

Codes travel with the id of their code list (DESIGN.md, "Wire contract"), e.g.
``<csdo:UnifiedCountryCode codeListId="P.CLS.019">KZ</csdo:UnifiedCountryCode>``.

Ids:

* ``P.CLS.019`` – the EEC classifier of the countries of the world (member states and all
  other countries; Table 1 item 1, Table 5 items 2 and 5.1: "в соответствии с классификатором
  стран мира"). The values are the ISO 3166-1 alpha-2 codes.
* ``P.CLS.021`` – our convention for the EEC classifier of languages (Table 4 item 1:
  "в соответствии с классификатором языков"); values are ISO 639-1 two-letter codes.
* ``SM.CLS.nnn`` – the node's own lists for the codes whose value sets the Decision names but
  does not publish (message kinds, the classifier of sanitary measures, …) or that the EEC
  structures constrain only by length (smsdo:AgeGroupCode, smsdo:DiseaseOutcomeCode, …).

Data only, plus tiny helpers; the only work done at import is reading ``pycountry``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pycountry

__all__ = [
    "CODE_LISTS",
    "COUNTRY_CODE_LIST_ID",
    "LANGUAGE_CODE_LIST_ID",
    "MEMBER_STATE_CODES",
    "Code",
    "CodeList",
    "code_list",
]

#: EEC classifier of the countries of the world (the EEC sample instances of R.SM.SS.08.002 carry
#: the numeric id 2021 of the same classifier; the node writes P.CLS.019).
COUNTRY_CODE_LIST_ID = "P.CLS.019"
#: Our convention for the EEC classifier of languages (not confirmed against an EEC registry).
LANGUAGE_CODE_LIST_ID = "P.CLS.021"


@dataclass(frozen=True, slots=True)
class Code:
    """One value of a code list with its names."""

    code: str
    name_ru: str
    name_en: str
    name_kk: str | None = None

    def name(self, lang: str = "ru") -> str:
        """The name in ``lang`` ("ru", "en", "kk"); Kazakh falls back to Russian when absent."""
        if lang == "en":
            return self.name_en
        if lang == "kk" and self.name_kk:
            return self.name_kk
        return self.name_ru


@dataclass(frozen=True, slots=True)
class CodeList:
    """A code list: its id (sent as ``codeListId``), names, where its values come from, its codes."""

    id: str
    name_ru: str
    name_en: str
    source: str
    entries: tuple[Code, ...]
    _index: dict[str, Code] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, Code] = {}
        for entry in self.entries:
            if entry.code in index:
                raise ValueError(f"code list {self.id}: duplicate code {entry.code!r}")
            index[entry.code] = entry
        object.__setattr__(self, "_index", index)

    def get(self, code: str, default: Code | None = None) -> Code | None:
        """The entry for ``code``, or ``default`` when the list has no such code."""
        return self._index.get(code, default)

    def __getitem__(self, code: str) -> Code:
        try:
            return self._index[code]
        except KeyError:
            raise KeyError(f"code {code!r} is not in code list {self.id} ({self.name_en})") from None

    def __contains__(self, code: object) -> bool:
        return code in self._index

    def __iter__(self) -> Iterator[Code]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def codes(self) -> tuple[str, ...]:
        """The codes in list order."""
        return tuple(e.code for e in self.entries)


def _codes(rows: Iterable[tuple[str, str, str]]) -> tuple[Code, ...]:
    return tuple(Code(code, ru, en) for code, ru, en in rows)


# --- Member states (Rules §5: authorized bodies of the member states) -----------------------------

MEMBER_STATE_CODES: tuple[str, ...] = ("AM", "BY", "KZ", "KG", "RU")

_MEMBER_STATES = CodeList(
    id=COUNTRY_CODE_LIST_ID,
    name_ru="Государства – члены Евразийского экономического союза",
    name_en="Member states of the Eurasian Economic Union",
    source="EEC classifier of the countries of the world (P.CLS.019), restricted to the member states",
    entries=(
        Code("AM", "Армения", "Armenia", "Армения"),
        Code("BY", "Беларусь", "Belarus", "Беларусь"),
        Code("KZ", "Казахстан", "Kazakhstan", "Қазақстан"),
        Code("KG", "Кыргызстан", "Kyrgyzstan", "Қырғызстан"),
        Code("RU", "Россия", "Russia", "Ресей"),
    ),
)


# --- Countries (Table 1 item 1, Table 5 items 2 and 5.1: "классификатор стран мира") --------------


def _countries() -> tuple[Code, ...]:
    # Russian names are not carried for non-members (the English short name stands in);
    # member states take their names from _MEMBER_STATES so the two lists agree.
    entries: list[Code] = []
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        member = _MEMBER_STATES.get(country.alpha_2)
        if member is not None:
            entries.append(member)
        else:
            entries.append(Code(country.alpha_2, country.name, country.name))
    return tuple(entries)


_COUNTRIES = CodeList(
    id=COUNTRY_CODE_LIST_ID,
    name_ru="Классификатор стран мира",
    name_en="Classifier of the countries of the world",
    source="ISO 3166-1 alpha-2 via pycountry; names of the member states as in member_states",
    entries=_countries(),
)


# --- Languages (Table 4 item 1: "в соответствии с классификатором языков") -----------------------

# Russian and Kazakh names for the languages of the member states and English; the other
# languages carry their English name only.
_LANGUAGE_NAMES: dict[str, tuple[str, str]] = {
    "ru": ("русский", "орыс тілі"),
    "kk": ("казахский", "қазақ тілі"),
    "hy": ("армянский", "армян тілі"),
    "be": ("белорусский", "беларусь тілі"),
    "ky": ("киргизский", "қырғыз тілі"),
    "en": ("английский", "ағылшын тілі"),
}


def _languages() -> tuple[Code, ...]:
    entries: list[Code] = []
    for language in sorted(
        (lang for lang in pycountry.languages if hasattr(lang, "alpha_2")), key=lambda lang: lang.alpha_2
    ):
        ru, kk = _LANGUAGE_NAMES.get(language.alpha_2, (language.name, None))
        entries.append(Code(language.alpha_2, ru, language.name, kk))
    return tuple(entries)


_LANGUAGES = CodeList(
    id=LANGUAGE_CODE_LIST_ID,  # our convention for the EEC language classifier
    name_ru="Классификатор языков",
    name_en="Classifier of languages",
    source="ISO 639-1 two-letter codes via pycountry (Table 4 item 1; csdo:LanguageCode pattern [a-z]{2})",
    entries=_languages(),
)


# --- SM.CLS.001 Kind of message (Table 2 item 2, Table 3 item 2: "вид сообщения") ---------------
# smsdo:IncidentKindCode is 1–2 characters; the Decision does not publish the values.

_INCIDENT_KINDS = CodeList(
    id="SM.CLS.001",
    name_ru="Вид сообщения",
    name_en="Kind of notice",
    source=(
        "Table 2 item 2, Table 3 item 2; kinds from Rules §17 (first notice), §18 and §23 (additional "
        "information), §19 and §24 (completion of measures, safety of the product confirmed)"
    ),
    entries=_codes(
        [
            ("1", "первичное сообщение", "first notice"),
            # Rules §18 (morbidity: results of the investigation, measures taken), §23 (dangerous products).
            ("2", "дополнительное сообщение", "update (additional information)"),
            # Rules §19 (localisation and elimination completed), §24 (measures completed).
            ("3", "заключительное сообщение", "closure (completion of measures)"),
            # Rules §24: "о подтверждении безопасности продукции (при наличии)" – dangerous products only.
            ("4", "подтверждение безопасности продукции", "safety of the product confirmed"),
            ("5", "исправление", "correction of an earlier notice"),
        ]
    ),
)


# --- SM.CLS.002 Classifier of sanitary measures (Table 2 item 8.1, Table 3 item 9.2) -------------
# "кодовое обозначение вида санитарной меры в соответствии с классификатором санитарных мер";
# the classifier itself is not part of the Decision, the values below are the node's own.

_SANITARY_MEASURE_KINDS = CodeList(
    id="SM.CLS.002",
    name_ru="Классификатор санитарных мер",
    name_en="Classifier of sanitary measures",
    source=(
        "Table 2 item 8.1, Table 3 item 9.2 (classifier of sanitary measures, not published in the "
        "Decision; values are the node's own)"
    ),
    entries=_codes(
        [
            ("01", "временный запрет ввоза продукции", "temporary ban on import of products"),
            ("02", "ограничение ввоза продукции", "restriction of import of products"),
            ("03", "приостановление обращения продукции", "suspension of circulation of products"),
            ("04", "отзыв продукции", "recall of products"),
            ("05", "уничтожение (утилизация) продукции", "destruction (disposal) of products"),
            (
                "06",
                "возврат продукции отправителю (вывоз за пределы таможенной территории Союза)",
                "return to sender (removal from the customs territory of the Union)",
            ),
            ("07", "усиленный лабораторный контроль", "enhanced laboratory control"),
            ("08", "карантин", "quarantine"),
            ("09", "дезинфекция, дезинсекция, дератизация", "disinfection, disinsection, deratisation"),
            ("10", "изоляция и лечение больных", "isolation and treatment of patients"),
            ("11", "вакцинация (иммунизация) населения", "vaccination (immunisation)"),
            ("12", "изъятие продукции из реализации", "withdrawal of products from sale"),
            ("13", "медицинское наблюдение за контактными лицами", "medical observation of contacts"),
            ("14", "приостановление деятельности объекта", "suspension of the activity of a facility"),
            ("99", "иная санитарная мера", "other sanitary measure"),
        ]
    ),
)


# --- SM.CLS.003 Form of a temporary sanitary measure ----------------------------------------------

_TEMPORARY_MEASURE_FORMS = CodeList(
    id="SM.CLS.003",
    name_ru="Форма временной санитарной меры",
    name_en="Form of a temporary sanitary measure",
    source=(
        "Order of interaction of the authorized bodies when introducing temporary sanitary, veterinary and "
        "quarantine phytosanitary measures, EEC Council Decision No. 149 of 16 May 2016 (Rules §6в, §26)"
    ),
    entries=_codes(
        [
            ("1", "запрет", "ban"),
            ("2", "ограничение", "restriction"),
            ("3", "приостановление", "suspension"),
        ]
    ),
)


# --- SM.CLS.004 Kind of object of a measure (Table 3 item 9.1, Table 5 item 5.6) ------------------
# Table 3 item 9.1: "кодовое обозначение объекта действия меры: граждане государств-членов;
# товары и продукция; транспортные средства". smsdo:MeasureAffectedObjectKindCode is 1–2 characters.

_MEASURE_OBJECTS = CodeList(
    id="SM.CLS.004",
    name_ru="Вид объекта действия меры",
    name_en="Kind of object the measure applies to",
    source="Table 3 item 9.1 (note), Table 5 item 5.6, Table 4 item 10",
    entries=_codes(
        [
            ("1", "граждане государств-членов", "citizens of the member states"),
            ("2", "товары и продукция", "goods and products"),
            ("3", "транспортные средства", "vehicles"),
        ]
    ),
)


# --- SM.CLS.005 Ground for introducing a temporary sanitary measure (Table 4 item 8) -------------
# "значение реквизита должно соответствовать одному из следующих значений: 1 – … 4 – …";
# smsdo:MeasureReasonCode is exactly one character.

_MEASURE_GROUNDS = CodeList(
    id="SM.CLS.005",
    name_ru="Основание для введения временной санитарной меры",
    name_en="Ground for introducing a temporary sanitary measure",
    source="Table 4 item 8 (note: values 1–4)",
    entries=_codes(
        [
            (
                "1",
                "выявление подконтрольной государственному санитарно-эпидемиологическому надзору (контролю) "
                "продукции (товаров), не соответствующей Единым санитарным требованиям или требованиям "
                "технического регламента (технических регламентов) Союза (Таможенного союза)",
                "detection of products (goods) under state sanitary-epidemiological supervision (control) that "
                "do not comply with the Unified Sanitary Requirements or with the requirements of a technical "
                "regulation (technical regulations) of the Union (Customs Union)",
            ),
            (
                "2",
                "соответствующее научное обоснование применения санитарных мер является недостаточным или не "
                "может быть представлено в необходимые сроки",
                "the relevant scientific justification for applying sanitary measures is insufficient or "
                "cannot be provided in due time",
            ),
            (
                "3",
                "получение информации от соответствующих международных организаций, государств-членов или "
                "третьих стран о применяемых санитарных мерах и (или) ухудшении санитарно-эпидемиологической "
                "ситуации",
                "information received from the relevant international organisations, member states or third "
                "countries on the sanitary measures applied and (or) on a deterioration of the "
                "sanitary-epidemiological situation",
            ),
            (
                "4",
                "ухудшение санитарно-эпидемиологической ситуации на территории государства-члена",
                "deterioration of the sanitary-epidemiological situation in the territory of a member state",
            ),
        ]
    ),
)


# --- SM.CLS.006 Status of a state registration certificate (Table 1 item 6) ------------------------
# "сведений о статусе свидетельства (действует, действие приостановлено, аннулировано (отозвано))".

_CERTIFICATE_STATUSES = CodeList(
    id="SM.CLS.006",
    name_ru="Статус действия свидетельства о государственной регистрации продукции",
    name_en="Status of a state registration certificate",
    source="Table 1 item 6 (note); Rules §31з (certificate status check service)",
    entries=_codes(
        [
            ("1", "действует", "in force"),
            ("2", "действие приостановлено", "suspended"),
            ("3", "аннулировано (отозвано)", "annulled (revoked)"),
        ]
    ),
)


# --- SM.CLS.007 Archive flag of a dangerous-product notice (Table 3 item 6) ----------------------
# "Признак, указывающий на актуальность случая: 0 – архивный 1 – актуальный".

_ARCHIVE_FLAGS = CodeList(
    id="SM.CLS.007",
    name_ru="Признак архивации сообщения",
    name_en="Archive flag of a notice",
    source="Table 3 item 6 (description: 0 – archived, 1 – current)",
    entries=_codes(
        [
            ("0", "архивный", "archived"),
            ("1", "актуальный", "current"),
        ]
    ),
)


# --- SM.CLS.008 Technical regulations of the Union (Customs Union) --------------------------------
# Table 1 item 10, Table 3 item 7.6.4.5.1; smsdo:TechnicalRegulationId has the pattern
# "ТР (ТС|ЕАЭС) \d{3}/\d{4}" with CYRILLIC letters (a Latin look-alike fails validation).
# Codes and Russian titles as listed in seed 000 (lines 39–67); the seed omits the closing
# quote of ТР ТС 030/2012, the title is given without quotes like the others.

_TECHNICAL_REGULATIONS = CodeList(
    id="SM.CLS.008",
    name_ru="Технические регламенты Евразийского экономического союза (Таможенного союза)",
    name_en="Technical regulations of the Eurasian Economic Union (Customs Union)",
    source="List of EAEU technical regulations of a conformity assessment body (seed 000, lines 39–67)",
    entries=_codes(
        [
            (
                "ТР ТС 004/2011",
                "О безопасности низковольтного оборудования",
                "On safety of low-voltage equipment",
            ),
            ("ТР ТС 005/2011", "О безопасности упаковки", "On safety of packaging"),
            (
                "ТР ТС 007/2011",
                "О безопасности продукции, предназначенной для детей и подростков",
                "On safety of products intended for children and adolescents",
            ),
            (
                "ТР ТС 009/2011",
                "О безопасности парфюмерно-косметической продукции",
                "On safety of perfumery and cosmetic products",
            ),
            ("ТР ТС 010/2011", "О безопасности машин и оборудования", "On safety of machinery and equipment"),
            (
                "ТР ТС 012/2011",
                "О безопасности оборудования для работы во взрывоопасных средах",
                "On safety of equipment for use in explosive atmospheres",
            ),
            (
                "ТР ТС 013/2011",
                "О требованиях к автомобильному и авиационному бензину, дизельному и судовому топливу, "
                "топливу для реактивных двигателей и мазуту",
                "On requirements for automobile and aviation gasoline, diesel and marine fuel, jet fuel and "
                "fuel oil",
            ),
            ("ТР ТС 014/2011", "О безопасности дорог", "On safety of roads"),
            ("ТР ТС 015/2011", "О безопасности зерна", "On safety of grain"),
            (
                "ТР ТС 016/2011",
                "О безопасности аппаратов, работающих на газообразном топливе",
                "On safety of appliances burning gaseous fuels",
            ),
            (
                "ТР ТС 017/2011",
                "О безопасности продукции легкой промышленности",
                "On safety of light industry products",
            ),
            (
                "ТР ТС 018/2011",
                "О безопасности колесных транспортных средств",
                "On safety of wheeled vehicles",
            ),
            (
                "ТР ТС 019/2011",
                "О безопасности средств индивидуальной защиты",
                "On safety of personal protective equipment",
            ),
            (
                "ТР ТС 020/2011",
                "Электромагнитная совместимость технических средств",
                "Electromagnetic compatibility of technical equipment",
            ),
            ("ТР ТС 021/2011", "О безопасности пищевой продукции", "On safety of food products"),
            (
                "ТР ТС 022/2011",
                "Пищевая продукция в части ее маркировки",
                "Food products in terms of labelling",
            ),
            (
                "ТР ТС 023/2011",
                "Технический регламент на соковую продукцию из фруктов и овощей",
                "Technical regulation for juice products from fruits and vegetables",
            ),
            (
                "ТР ТС 024/2011",
                "Технический регламент на масложировую продукцию",
                "Technical regulation for oil and fat products",
            ),
            ("ТР ТС 025/2012", "О безопасности мебельной продукции", "On safety of furniture products"),
            (
                "ТР ТС 027/2012",
                "О безопасности отдельных видов специализированной пищевой продукции, в том числе "
                "диетического лечебного и диетического профилактического питаний",
                "On safety of certain kinds of specialised food products, including dietary therapeutic and "
                "dietary preventive nutrition",
            ),
            (
                "ТР ТС 029/2012",
                "Требования безопасности пищевых добавок, ароматизаторов и технологических вспомогательных "
                "средств",
                "Safety requirements for food additives, flavourings and processing aids",
            ),
            (
                "ТР ТС 030/2012",
                "О требованиях к смазочным материалам, маслам и специальным жидкостям",
                "On requirements for lubricants, oils and special fluids",
            ),
            (
                "ТР ТС 031/2012",
                "О безопасности сельскохозяйственных и лесохозяйственных тракторов и прицепов к ним",
                "On safety of agricultural and forestry tractors and their trailers",
            ),
            (
                "ТР ТС 032/2013",
                "О безопасности оборудования, работающего под избыточным давлением",
                "On safety of equipment operating under excess pressure",
            ),
            (
                "ТР ТС 033/2013",
                "О безопасности молока и молочной продукции",
                "On safety of milk and dairy products",
            ),
            (
                "ТР ТС 034/2013",
                "О безопасности мяса и мясной продукции",
                "On safety of meat and meat products",
            ),
            (
                "ТР ЕАЭС 037/2016",
                "Об ограничении применения опасных веществ в изделиях электротехники и радиоэлектроники",
                "On restriction of the use of hazardous substances in electrical and radio-electronic products",
            ),
            (
                "ТР ЕАЭС 040/2016",
                "О безопасности рыбы и рыбной продукции",
                "On safety of fish and fish products",
            ),
            (
                "ТР ЕАЭС 044/2017",
                "О безопасности упакованной питьевой воды, включая природную минеральную воду",
                "On safety of packaged drinking water, including natural mineral water",
            ),
        ]
    ),
)


# --- SM.CLS.009 Kind of border checkpoint (Table 2 item 7.2, Table 3 item 8.2) --------------------
# Table 2 item 7.2 note: "наименование пункта пропуска, классификация".

_BORDER_CHECKPOINT_KINDS = CodeList(
    id="SM.CLS.009",
    name_ru="Классификация пунктов пропуска",
    name_en="Kind of border checkpoint",
    source="Table 2 item 7.2 (note: name of the checkpoint, classification), Table 3 item 8.2",
    entries=_codes(
        [
            ("1", "автомобильный", "automobile"),
            ("2", "железнодорожный", "railway"),
            ("3", "воздушный", "air"),
            ("4", "морской", "sea"),
            ("5", "речной", "river"),
            ("6", "пешеходный", "pedestrian"),
            ("7", "смешанный", "mixed"),
        ]
    ),
)


# --- SM.CLS.010 Processing result (R.006 csdo:ProcessingResultV2Code) -----------------------------
# The R.006 v1.0.7 XSD types ProcessingResultV2Code as plain bdt:CodeType with no enumeration;
# these are the node's codes for the signals of DESIGN.md ("Получено", "Принято в обработку", rejected).

_PROCESSING_RESULTS = CodeList(
    id="SM.CLS.010",
    name_ru="Результат обработки электронного документа",
    name_en="Processing result of an electronic document",
    source="R.006 ProcessingResultDetails, csdo:ProcessingResultV2Code (no enumeration in the XSD)",
    entries=_codes(
        [
            ("1", "получено", "received"),
            ("2", "принято в обработку (обработано)", "accepted (processed successfully)"),
            ("3", "отклонено", "rejected (errors)"),
        ]
    ),
)


# --- SM.CLS.011 Kind of pathogen (smsdo:PathogenKindCode, 1–2 characters; Table 2 item 6.1) -------

_PATHOGEN_KINDS = CodeList(
    id="SM.CLS.011",
    name_ru="Вид возбудителя болезни",
    name_en="Kind of pathogen",
    source="Table 2 item 6.1 (note: сведения о возбудителе болезни); smsdo:PathogenKindCode",
    entries=_codes(
        [
            ("1", "бактерия", "bacterium"),
            ("2", "вирус", "virus"),
            ("3", "паразит", "parasite"),
            ("4", "гриб", "fungus"),
            ("5", "прион", "prion"),
            ("6", "токсин", "toxin"),
        ]
    ),
)


# --- SM.CLS.012 Age group (smsdo:AgeGroupCode, csdo:Code10Type; Table 2 item 6.3) ------------------

_AGE_GROUPS = CodeList(
    id="SM.CLS.012",
    name_ru="Возрастная группа",
    name_en="Age group",
    source="Table 2 item 6.3 (note: возрастная группа); smsdo:AgeGroupCode",
    entries=_codes(
        [
            ("A00", "до 1 года", "under 1 year"),
            ("A01", "1–4 года", "1–4 years"),
            ("A05", "5–14 лет", "5–14 years"),
            ("A15", "15–19 лет", "15–19 years"),
            ("A20", "20–39 лет", "20–39 years"),
            ("A40", "40–59 лет", "40–59 years"),
            ("A60", "60 лет и старше", "60 years and older"),
        ]
    ),
)


# --- SM.CLS.013 Outcome of the disease (smsdo:DiseaseOutcomeCode, csdo:Code10Type; Table 2 item 6.3) -

_DISEASE_OUTCOMES = CodeList(
    id="SM.CLS.013",
    name_ru="Исход болезни",
    name_en="Disease outcome",
    source="Table 2 item 6.3 (note: исход болезни); smsdo:DiseaseOutcomeCode",
    entries=_codes(
        [
            ("1", "выздоровление", "recovered"),
            ("2", "госпитализация", "hospitalised"),
            ("3", "летальный исход", "died"),
            ("9", "неизвестно", "unknown"),
        ]
    ),
)


# --- SM.CLS.014 Kind of laboratory test (Rules §36) -----------------------------------------------
# Rules §36: the request for a laboratory protocol states the certificate number and date
# "а также сведения о виде испытаний продукции".

_LABORATORY_TEST_KINDS = CodeList(
    id="SM.CLS.014",
    name_ru="Вид испытаний (исследований) продукции",
    name_en="Kind of laboratory test of products",
    source="Rules §36 (request for a laboratory protocol: kind of test of the product)",
    entries=_codes(
        [
            ("01", "физико-химические исследования", "physico-chemical tests"),
            ("02", "санитарно-химические исследования", "sanitary-chemical tests"),
            ("03", "микробиологические исследования", "microbiological tests"),
            ("04", "вирусологические исследования", "virological tests"),
            ("05", "паразитологические исследования", "parasitological tests"),
            ("06", "токсикологические исследования", "toxicological tests"),
            ("07", "радиологические исследования", "radiological tests"),
            ("08", "измерения физических факторов", "measurement of physical factors"),
            ("09", "молекулярно-генетические исследования (ГМО)", "molecular-genetic tests (GMO)"),
            ("10", "гигиеническая оценка", "hygienic assessment"),
        ]
    ),
)


_PROTOCOL_REFUSAL_REASONS = CodeList(
    id="SM.CLS.015",
    name_ru="Причина отказа в представлении протокола лабораторных исследований (испытаний)",
    name_en="Reason for not providing a laboratory protocol",
    source="Rules §36 (protocol on request), §39 (confidential information is not passed on)",
    entries=(
        Code("1", "свидетельство не найдено", "certificate unknown"),
        Code("2", "протокол не может быть представлен", "protocol cannot be provided"),
        Code(
            "3",
            "сведения являются конфиденциальными в соответствии с законодательством государства-члена",
            "confidential under the law of the member state (Rules §39)",
        ),
    ),
)

_INFORMATION_RESOURCES = CodeList(
    id="SM.CLS.016",
    name_ru="Общий информационный ресурс",
    name_en="Common information resource",
    source="Rules §4а (the four common resources), §7е–ж, §8, §14 (information on request)",
    entries=(
        Code(
            "1",
            "единый реестр свидетельств о государственной регистрации продукции",
            "unified registry of state registration certificates",
        ),
        Code("2", "база данных о заболеваемости", "morbidity database"),
        Code(
            "3",
            "база данных о продукции, опасной для жизни, здоровья человека и среды его обитания",
            "database of products dangerous to human life, health and environment",
        ),
        Code(
            "4",
            "общий информационный ресурс, содержащий сведения о временных санитарных мерах",
            "common resource of temporary sanitary measures",
        ),
    ),
)


#: Every code list keyed by a stable python name.
CODE_LISTS: dict[str, CodeList] = {
    "member_states": _MEMBER_STATES,
    "countries": _COUNTRIES,
    "languages": _LANGUAGES,
    "incident_kinds": _INCIDENT_KINDS,
    "sanitary_measure_kinds": _SANITARY_MEASURE_KINDS,
    "temporary_measure_forms": _TEMPORARY_MEASURE_FORMS,
    "measure_objects": _MEASURE_OBJECTS,
    "measure_grounds": _MEASURE_GROUNDS,
    "certificate_statuses": _CERTIFICATE_STATUSES,
    "archive_flags": _ARCHIVE_FLAGS,
    "technical_regulations": _TECHNICAL_REGULATIONS,
    "border_checkpoint_kinds": _BORDER_CHECKPOINT_KINDS,
    "processing_results": _PROCESSING_RESULTS,
    "pathogen_kinds": _PATHOGEN_KINDS,
    "age_groups": _AGE_GROUPS,
    "disease_outcomes": _DISEASE_OUTCOMES,
    "laboratory_test_kinds": _LABORATORY_TEST_KINDS,
    "protocol_refusal_reasons": _PROTOCOL_REFUSAL_REASONS,
    "information_resources": _INFORMATION_RESOURCES,
}


def code_list(name: str) -> CodeList:
    """The code list registered under ``name`` (e.g. ``code_list("member_states")``)."""
    try:
        return CODE_LISTS[name]
    except KeyError:
        raise KeyError(f"no code list {name!r}; known: {', '.join(sorted(CODE_LISTS))}") from None
