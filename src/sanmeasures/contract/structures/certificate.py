"""R.SM.SS.07.001 StateRegistrationCertificate — state registration certificates (Appendix 2, Table 1; Rules §6а, §7а, §15, §35).

"Сведения о свидетельствах о государственной регистрации продукции": the authority of a member
state sends the Commission every certificate it enters or changes in its national part of the
unified registry, automatically (§35); a registry dump carries many certificates in one document.

Not published by the EEC: designed here in the EEC style (docs/conformance.md). The XSD follows
Table 1 exactly: every item is one particle with the table's multiplicity (item 5, blank in the
regulation, is 1). Where a shared EEC type is reused (ccdo:BusinessEntityDetailsType for the
applicant and the manufacturer, ccdo:DocReferenceDetailsType for the manufacturing documents,
ccdo:UnifiedAuthorityDetailsType), the notes of Table 1 are enforced by context subclasses.

The registration number (item 3) is checked against the template
``АА.ББ.ВВ.ГГ.ДДД.Е.ЖЖЖЖЖЖ.ЗЗ.ИИ`` (written ``AA.BB.VV.GG.DDD.E.ZZZZZZ.MM.YY`` in code) with the
look-alike letters real registries carry tolerated; :func:`normalise_registration_number` is the
one normal form, reused for storage and for the certificate status check (§31з).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from sanmeasures.contract import blocks as b
from sanmeasures.contract import rules
from sanmeasures.contract import simple_types as st
from sanmeasures.contract.classifiers import MEMBER_STATE_CODES, code_list
from sanmeasures.contract.errors import rule, violation
from sanmeasures.contract.header import EDocHeader
from sanmeasures.contract.namespaces import register_prefix
from sanmeasures.contract.simple_content import BusinessEntityId, QualifiedCode
from sanmeasures.contract.structure import Structure
from sanmeasures.contract.xmlmodel import XmlModel, el

NAMESPACE = "urn:EEC:R:SM:SS:07:StateRegistrationCertificate:v1.0.0"
register_prefix("cert", NAMESPACE)

_T1_3 = "Приложение 2, таблица 1, п. 3"

NUMBER_TEMPLATE = rule(
    "certificate.number.template",
    "Регистрационный номер свидетельства «{value}» не соответствует шаблону АА.ББ.ВВ.ГГ.ДДД.Е.ЖЖЖЖЖЖ.ЗЗ.ИИ: "
    "{reason_ru}",
    "Certificate registration number '{value}' does not match the template AA.BB.VV.GG.DDD.E.ZZZZZZ.MM.YY: "
    "{reason_en}",
    _T1_3,
)
NUMBER_COUNTRY = rule(
    "certificate.number.country",
    "Код государства {number_country} в регистрационном номере не совпадает с кодом страны "
    "государственной регистрации {country} (п. 1)",
    "Country code {number_country} in the registration number differs from the country of registration "
    "{country} (item 1)",
    "Приложение 2, таблица 1, пп. 1, 3",
)
NUMBER_ISSUE_DATE = rule(
    "certificate.number.issue_date",
    "Месяц и год в регистрационном номере ({month}.{year}) не совпадают с датой выдачи свидетельства {date}",
    "Month and year in the registration number ({month}.{year}) do not match the date of issue {date}",
    "Приложение 2, таблица 1, пп. 3, 4",
)
NUMBER_LETTER_R = rule(
    "certificate.number.letter_r",
    "Литера R в регистрационном номере означает соответствие техническому регламенту, но в п. 10 не указан "
    "ни один технический регламент Союза (Таможенного союза)",
    "Letter R in the registration number means conformity to a technical regulation, but item 10 names no "
    "technical regulation of the Union (Customs Union)",
    "Приложение 2, таблица 1, пп. 3, 10",
)
NUMBER_LETTER_E = rule(
    "certificate.number.letter_e",
    "Литера E в регистрационном номере означает соответствие Единым санитарным требованиям, но в п. 10 указан "
    "технический регламент {regulation}",
    "Letter E in the registration number means conformity to the Unified Sanitary Requirements, but item 10 "
    "names the technical regulation {regulation}",
    "Приложение 2, таблица 1, пп. 3, 10",
)
VALIDITY_END_OR_UNLIMITED = rule(
    "certificate.validity.end_or_unlimited",
    "Срок действия свидетельства: {problem_ru} (указывается либо дата окончания, либо запись «не ограничен»)",
    "Certificate validity: {problem_en} (give either the end date or 'unlimited')",
    "Приложение 2, таблица 1, п. 5",
)
VALIDITY_ORDER = rule(
    "certificate.validity.order",
    "Дата окончания срока действия свидетельства {end} раньше даты начала {start}",
    "The end of the certificate's validity {end} is before its start {start}",
    "Приложение 2, таблица 1, п. 5",
)
STATUS_CODE = rule(
    "certificate.status.code",
    "Статус действия свидетельства {value} отсутствует в классификаторе (1 – действует, 2 – действие "
    "приостановлено, 3 – аннулировано (отозвано))",
    "Certificate status {value} is not in the code list (1 in force, 2 suspended, 3 annulled (revoked))",
    "Приложение 2, таблица 1, п. 6",
)
STATUS_ORDER = rule(
    "certificate.status.order",
    "Конечная дата действия статуса свидетельства {end} раньше начальной даты {start}",
    "The end date of the certificate status {end} is before its start date {start}",
    "Приложение 2, таблица 1, п. 6",
)
STATUS_BEFORE_ISSUE = rule(
    "certificate.status.before_issue",
    "Начальная дата действия статуса свидетельства {start} раньше даты выдачи свидетельства {issued}",
    "The start date of the certificate status {start} is before the date of issue {issued}",
    "Приложение 2, таблица 1, пп. 4, 6",
)
ACTS_EMPTY = rule(
    "certificate.acts.empty",
    "Не указан ни технический регламент Союза (Таможенного союза), ни раздел главы II Единых санитарных "
    "требований, на соответствие которым выдано свидетельство",
    "Neither a technical regulation of the Union (Customs Union) nor a section of chapter II of the Unified "
    "Sanitary Requirements is given as the act the certificate confirms conformity to",
    "Приложение 2, таблица 1, п. 10",
)
AUTHORITY_COUNTRY = rule(
    "certificate.authority.country",
    "Код страны уполномоченного органа {authority_country} (п. 12) не совпадает с кодом страны государственной "
    "регистрации {country} (п. 1)",
    "Country {authority_country} of the issuing authority (item 12) differs from the country of registration "
    "{country} (item 1)",
    "Приложение 2, таблица 1, пп. 1, 12",
)


# =================================================================================================
# Registration number (Table 1 item 3)
# =================================================================================================
class RegistrationNumberError(ValueError):
    """The text cannot be read as a registration number of Table 1 item 3 (which part, why, in RU and EN)."""

    def __init__(self, text: str, part: str, reason_ru: str, reason_en: str) -> None:
        self.text = text
        self.part = part  # "AA", "BB", …, "YY" or "" for the whole number
        self.reason_ru = reason_ru
        self.reason_en = reason_en
        super().__init__(f"{text!r} is not a certificate registration number: {reason_en}")


@dataclass(frozen=True, slots=True)
class RegistrationNumber:
    """The nine parts of ``AA.BB.VV.GG.DDD.E.ZZZZZZ.MM.YY`` (Appendix 2, Table 1, item 3 note)."""

    country: str  # AA: member state, ISO 3166-1 alpha-2, Latin
    region: str  # BB: two digits
    authority: str  # VV: two characters, Russian capital letters А–Я and/or digits
    workplace: str  # GG: two digits
    product: str  # DDD: three digits
    letter: str  # E: "R" technical regulation(s), "E" Unified Sanitary Requirements (both Latin)
    serial: str  # ZZZZZZ: six digits, sequence number within the year
    month: str  # MM: 01–12
    year: str  # YY: two digits

    def __str__(self) -> str:
        return ".".join(
            (
                self.country,
                self.region,
                self.authority,
                self.workplace,
                self.product,
                self.letter,
                self.serial,
                self.month,
                self.year,
            )
        )

    @property
    def for_technical_regulation(self) -> bool:
        """Letter R: the certificate confirms conformity to technical regulation(s) of the Union."""
        return self.letter == "R"


_PARTS: tuple[tuple[str, str], ...] = (
    ("AA", "АА"),
    ("BB", "ББ"),
    ("VV", "ВВ"),
    ("GG", "ГГ"),
    ("DDD", "ДДД"),
    ("E", "Е"),
    ("ZZZZZZ", "ЖЖЖЖЖЖ"),
    ("MM", "ЗЗ"),
    ("YY", "ИИ"),
)
_DIGITS = {2: re.compile(r"^[0-9]{2}$"), 3: re.compile(r"^[0-9]{3}$"), 6: re.compile(r"^[0-9]{6}$")}
_WHITESPACE = re.compile(r"\s+")
# AA: Cyrillic letters written for Latin ones, by shape (К for K, В for B …) or by sound (Р for R,
# У for U, З for Z, Г for G). Each maps to its candidates; the member state that fits is taken.
_AA_CANDIDATES: dict[str, str] = {
    "А": "A",
    "Б": "B",
    "В": "BV",
    "Г": "G",
    "Е": "E",
    "З": "Z",
    "К": "K",
    "М": "M",
    "Н": "HN",
    "О": "O",
    "Р": "PR",
    "С": "CS",
    "Т": "T",
    "У": "YU",
    "Х": "X",
}
# VV: Latin letters written for the Cyrillic capitals they look like.
_TO_CYRILLIC = str.maketrans("ABCEHKMOPTXY", "АВСЕНКМОРТХУ")
_VV = re.compile(r"^[А-Я0-9]{2}$")
# E: R or E, Latin; Cyrillic Р (the Russian R) and Е are the usual slips.
_LETTER = {"R": "R", "Р": "R", "E": "E", "Е": "E"}


def _fail(text: str, part: str, ru: str, en: str) -> RegistrationNumberError:
    return RegistrationNumberError(text, part, ru, en)


def _country(text: str, raw: str) -> str:
    options = [_AA_CANDIDATES.get(ch, ch) for ch in raw]
    candidates = {"".join(combo) for combo in itertools.product(*options)} if len(raw) == 2 else set()
    members = sorted(c for c in candidates if c in MEMBER_STATE_CODES)
    if len(members) != 1:
        raise _fail(
            text,
            "AA",
            f"АА – двузначный буквенный код государства-члена ({', '.join(MEMBER_STATE_CODES)}), а не «{raw}»",
            f"AA must be the alpha-2 code of a member state ({', '.join(MEMBER_STATE_CODES)}), not '{raw}'",
        )
    return members[0]


def _digits(text: str, raw: str, width: int, part: str, part_ru: str, what_ru: str, what_en: str) -> str:
    if not _DIGITS[width].match(raw):
        raise _fail(
            text,
            part,
            f"{part_ru} – {width}-значный цифровой код ({what_ru}), а не «{raw}»",
            f"{part} must be {width} digits ({what_en}), not '{raw}'",
        )
    return raw


def parse_registration_number(text: str) -> RegistrationNumber:
    """Read a registration number, tolerating look-alike letters, lower case and stray spaces.

    Raises :class:`RegistrationNumberError` (a ValueError) naming the part that cannot be read.
    """
    if not isinstance(text, str):
        raise TypeError("a registration number is a string")
    compact = _WHITESPACE.sub("", text).upper()
    parts = compact.split(".")
    if len(parts) != len(_PARTS):
        raise _fail(
            text,
            "",
            f"ожидается {len(_PARTS)} частей, разделенных точками, а не {len(parts)}",
            f"{len(_PARTS)} parts separated by dots expected, not {len(parts)}",
        )
    aa, bb, vv, gg, ddd, e, serial, mm, yy = parts
    country = _country(text, aa)
    region = _digits(text, bb, 2, "BB", "ББ", "код региона", "region code")
    authority = vv.translate(_TO_CYRILLIC)
    if not _VV.match(authority):
        raise _fail(
            text,
            "VV",
            f"ВВ – 2 знака: заглавные буквы русского алфавита (А–Я) и (или) цифры, а не «{vv}»",
            f"VV must be 2 characters, Russian capital letters (А–Я) and/or digits, not '{vv}'",
        )
    workplace = _digits(text, gg, 2, "GG", "ГГ", "код рабочего места", "workplace code")
    product = _digits(text, ddd, 3, "DDD", "ДДД", "код продукции", "product code")
    letter = _LETTER.get(e)
    if letter is None:
        raise _fail(
            text,
            "E",
            f"Е – литера R (технический регламент) или E (Единые санитарные требования), а не «{e}»",
            f"E must be the letter R (technical regulation) or E (Unified Sanitary Requirements), not '{e}'",
        )
    serial = _digits(text, serial, 6, "ZZZZZZ", "ЖЖЖЖЖЖ", "порядковый номер", "sequence number")
    month = _digits(text, mm, 2, "MM", "ЗЗ", "месяц", "month")
    if not 1 <= int(month) <= 12:
        raise _fail(
            text, "MM", f"ЗЗ – месяц от 01 до 12, а не «{mm}»", f"MM must be a month 01–12, not '{mm}'"
        )
    year = _digits(text, yy, 2, "YY", "ИИ", "год", "year")
    return RegistrationNumber(country, region, authority, workplace, product, letter, serial, month, year)


def normalise_registration_number(text: str) -> str:
    """The normal form of a registration number: no spaces, Latin AA and E, Cyrillic VV, upper case.

    ``"КZ.16.01.78.003.Е.000123.03.21"`` (Cyrillic К and Е) -> ``"KZ.16.01.78.003.E.000123.03.21"``.
    Pure; raises :class:`RegistrationNumberError` when the template cannot be met. Storage and the
    certificate status check compare normal forms, so look-alike spellings find the same certificate.
    """
    return str(parse_registration_number(text))


def _registration_number(value: str) -> str:
    try:
        parse_registration_number(value)
    except RegistrationNumberError as error:
        raise violation(
            NUMBER_TEMPLATE,
            value=value,
            part=error.part,
            reason_ru=error.reason_ru,
            reason_en=error.reason_en,
        ) from None
    return value


#: csdo:DocId carrying a registration number as written (Id50); the template is checked, the
#: text is kept: normalise it with :func:`normalise_registration_number`.
RegistrationNumberText = Annotated[st.Id50, AfterValidator(_registration_number)]


def issue_date_problem(number: RegistrationNumber, issued: Any) -> PydanticCustomError | None:
    """The MM.YY of the number against the date of issue (Table 1 items 3 and 4), None when they agree."""
    if int(number.month) == issued.month and number.year == f"{issued.year % 100:02d}":
        return None
    return violation(NUMBER_ISSUE_DATE, month=number.month, year=number.year, date=issued.isoformat())


def raise_all(model: str, problems: Iterable[tuple[PydanticCustomError, tuple[str | int, ...], Any]]) -> None:
    """Raise every (error, loc, input) at once: a document's issues are collected, never only the first."""
    details = [InitErrorDetails(type=error, loc=loc, input=value) for error, loc, value in problems]
    if details:
        raise ValidationError.from_exception_data(model, details)


# =================================================================================================
# Table 1 blocks
# =================================================================================================
def _status_code(code: QualifiedCode) -> QualifiedCode:
    if code.value not in code_list("certificate_statuses"):
        raise violation(STATUS_CODE, value=code.value)
    return code


#: cert:CertificateStatusCode: 1 in force, 2 suspended, 3 annulled (revoked) — SM.CLS.006.
CertificateStatusCode = Annotated[QualifiedCode, AfterValidator(_status_code)]


class CertificateValidityPeriodDetails(XmlModel):
    """cert:CertificateValidityPeriodDetailsType — Table 1 item 5 «Срок действия свидетельства».

    Note of item 5: the start and end dates, or the entry "не ограничен" when the certificate sets no
    end date: exactly one of csdo:EndDate and cert:UnlimitedValidityIndicator = true.
    """

    start_date: st.Date = el("csdo:StartDate")
    end_date: st.Date | None = el("csdo:EndDate", default=None)
    unlimited_validity_indicator: st.Indicator | None = el("cert:UnlimitedValidityIndicator", default=None)

    @property
    def unlimited(self) -> bool:
        """The certificate has no end date ("не ограничен")."""
        return self.unlimited_validity_indicator is True

    @model_validator(mode="after")
    def _end_or_unlimited(self) -> Any:
        problems = []
        if self.end_date is not None and self.unlimited:
            problems.append(
                (
                    violation(
                        VALIDITY_END_OR_UNLIMITED,
                        problem_ru="указаны и дата окончания, и запись «не ограничен»",
                        problem_en="both an end date and 'unlimited' are given",
                    ),
                    ("unlimited_validity_indicator",),
                    True,
                )
            )
        elif self.end_date is None and not self.unlimited:
            problems.append(
                (
                    violation(
                        VALIDITY_END_OR_UNLIMITED,
                        problem_ru="не указаны ни дата окончания, ни запись «не ограничен»",
                        problem_en="neither an end date nor 'unlimited' is given",
                    ),
                    ("end_date",),
                    None,
                )
            )
        if self.end_date is not None and self.end_date < self.start_date:
            problems.append(
                (
                    violation(
                        VALIDITY_ORDER, start=self.start_date.isoformat(), end=self.end_date.isoformat()
                    ),
                    ("end_date",),
                    self.end_date.isoformat(),
                )
            )
        raise_all(type(self).__name__, problems)
        return self


class CertificateStatusDetails(XmlModel):
    """cert:CertificateStatusDetailsType — Table 1 item 6 «Статус действия свидетельства».

    Note of item 6: the status (in force, suspended, annulled (revoked)) and the start and end dates
    of the status.
    """

    certificate_status_code: CertificateStatusCode = el("cert:CertificateStatusCode")
    start_date: st.Date = el("csdo:StartDate")
    end_date: st.Date | None = el("csdo:EndDate", default=None)

    @model_validator(mode="after")
    def _order(self) -> Any:
        if self.end_date is not None and self.end_date < self.start_date:
            raise_all(
                type(self).__name__,
                [
                    (
                        violation(
                            STATUS_ORDER, start=self.start_date.isoformat(), end=self.end_date.isoformat()
                        ),
                        ("end_date",),
                        self.end_date.isoformat(),
                    )
                ],
            )
        return self


class ApplicantDetails(b.BusinessEntityDetails):
    """ccdo:BusinessEntityDetailsType as Table 1 item 7 «Заявитель при проведении государственной
    регистрации» fills it: full name, address(es) and the registration number given at the state
    registration of the legal entity or entrepreneur are mandatory (note of item 7). The applicant is
    registered in a member state (Rules §2, "заявитель при государственной регистрации продукции")."""

    unified_country_code: rules.MemberStateCode | None = el("csdo:UnifiedCountryCode", default=None)
    business_entity_name: st.Name300 = el("csdo:BusinessEntityName")
    business_entity_id: BusinessEntityId = el("csdo:BusinessEntityId")
    subject_address_details: list[b.SubjectAddressDetails] = el("ccdo:SubjectAddressDetails", min_length=1)


class ManufacturerDetails(b.BusinessEntityDetails):
    """ccdo:BusinessEntityDetailsType as Table 1 item 9 «Изготовитель продукции» fills it: full name and
    address(es) (location and, where they differ, the production sites) are mandatory (note of item 9)."""

    business_entity_name: st.Name300 = el("csdo:BusinessEntityName")
    subject_address_details: list[b.SubjectAddressDetails] = el("ccdo:SubjectAddressDetails", min_length=1)


class ManufacturingDocDetails(b.DocReferenceDetails):
    """ccdo:DocReferenceDetailsType as Table 1 item 8.4 fills it: "наименование и обозначение документа
    (документов), в соответствии с которым изготовлена продукция" — the name is mandatory, the
    designation (csdo:DocId, e.g. "ТУ 10.86.10-001-…") is given when there is one."""

    doc_name: st.Name500 = el("csdo:DocName")


class CertificateProductDetails(XmlModel):
    """cert:CertificateProductDetailsType — Table 1 item 8 «Продукция» (items 8.1–8.4)."""

    product_name: st.Name300 = el("csdo:ProductName", item="T1/8.1")
    product_trade_name: st.Name300 | None = el("smsdo:ProductTradeName", item="T1/8.2", default=None)
    description_text: st.Text4000 | None = el("csdo:DescriptionText", item="T1/8.3", default=None)
    commodity_code: list[rules.HsCode] = el("csdo:CommodityCode", default_factory=list)
    doc_reference_details: list[ManufacturingDocDetails] = el(
        "ccdo:DocReferenceDetails", item="T1/8.4", min_length=1
    )


class UnionActDetails(XmlModel):
    """cert:UnionActDetailsType — Table 1 item 10 «Наименование акта (актов)».

    Technical regulation(s) of the Union (Customs Union) for a certificate with letter R, or the
    section (subsection, clause) of chapter II of the Unified Sanitary Requirements for letter E.
    """

    technical_regulation_id: list[st.TechnicalRegulationId] = el(
        "smsdo:TechnicalRegulationId", default_factory=list
    )
    sanitary_requirements_section_text: list[st.Text1000] = el(
        "cert:SanitaryRequirementsSectionText", default_factory=list
    )

    @model_validator(mode="after")
    def _not_empty(self) -> Any:
        if not self.technical_regulation_id and not self.sanitary_requirements_section_text:
            raise_all(type(self).__name__, [(violation(ACTS_EMPTY), (), [])])
        return self


class ConformityEvidenceDocDetails(XmlModel):
    """cert:ConformityEvidenceDocDetailsType — Table 1 item 11: a test (measurement) protocol with its
    number, date, testing laboratory and accreditation certificate number, or another document the
    applicant presented as evidence of conformity."""

    doc_kind_code: QualifiedCode | None = el("csdo:DocKindCode", default=None)
    doc_name: st.Name500 | None = el("csdo:DocName", default=None)
    doc_id: st.Id50 = el("csdo:DocId")
    doc_creation_date: st.Date = el("csdo:DocCreationDate")
    testing_laboratory_name: st.Name300 | None = el("cert:TestingLaboratoryName", default=None)
    accreditation_certificate_id: st.Id50 | None = el("cert:AccreditationCertificateId", default=None)


class MemberStateAuthority(b.UnifiedAuthorityDetails):
    """ccdo:UnifiedAuthorityDetailsType for the authority of a member state: its country (a member
    state) and full name are mandatory (Table 1 item 12: «полное наименование уполномоченного органа»;
    the requesting and answering authorities of Rules §36)."""

    unified_country_code: rules.MemberStateCode = el("csdo:UnifiedCountryCode")
    authority_name: st.Name300 = el("csdo:AuthorityName")


class CertificateAuthority(MemberStateAuthority):
    """Table 1 item 12 «Уполномоченный орган государства-члена» (the authority that issued the certificate)."""


class RegistrationCertificateDetails(XmlModel):
    """cert:RegistrationCertificateDetailsType — one state registration certificate, Table 1 items 1–13."""

    unified_country_code: rules.MemberStateCode = el("csdo:UnifiedCountryCode", item="T1/1")
    form_number_id: st.Id50 | None = el("cert:FormNumberId", item="T1/2", default=None)
    # As written by the authority (the wire value); ``registration_number`` is its normal form.
    registration_number_as_written: RegistrationNumberText = el("csdo:DocId", item="T1/3")
    doc_creation_date: st.Date = el("csdo:DocCreationDate", item="T1/4")
    certificate_validity_period_details: CertificateValidityPeriodDetails = el(
        "cert:CertificateValidityPeriodDetails", item="T1/5"
    )
    certificate_status_details: CertificateStatusDetails = el("cert:CertificateStatusDetails", item="T1/6")
    applicant_details: ApplicantDetails = el("cert:ApplicantDetails", item="T1/7")
    certificate_product_details: CertificateProductDetails = el("cert:CertificateProductDetails", item="T1/8")
    manufacturer_details: ManufacturerDetails = el("cert:ManufacturerDetails", item="T1/9")
    union_act_details: UnionActDetails = el("cert:UnionActDetails", item="T1/10")
    conformity_evidence_doc_details: list[ConformityEvidenceDocDetails] = el(
        "cert:ConformityEvidenceDocDetails", item="T1/11", min_length=1
    )
    unified_authority_details: CertificateAuthority = el("ccdo:UnifiedAuthorityDetails", item="T1/12")
    certificate_annex_details: b.DocContentDetails | None = el(
        "cert:CertificateAnnexDetails", item="T1/13", default=None
    )
    resource_item_status_details: b.ResourceItemStatusDetails | None = el(
        "ccdo:ResourceItemStatusDetails", default=None
    )

    @property
    def parsed_registration_number(self) -> RegistrationNumber:
        return parse_registration_number(self.registration_number_as_written)

    @property
    def registration_number(self) -> str:
        """Table 1 item 3 in its normal form (:func:`normalise_registration_number`): what storage keys on."""
        return str(self.parsed_registration_number)

    @model_validator(mode="after")
    def _consistent(self) -> Any:
        number = self.parsed_registration_number
        country = self.unified_country_code.value
        problems: list[tuple[PydanticCustomError, tuple[str | int, ...], Any]] = []
        here = ("registration_number_as_written",)
        if number.country != country:
            problems.append(
                (
                    violation(NUMBER_COUNTRY, number_country=number.country, country=country),
                    here,
                    number.country,
                )
            )
        mismatch = issue_date_problem(number, self.doc_creation_date)
        if mismatch is not None:
            problems.append((mismatch, here, f"{number.month}.{number.year}"))
        regulations = self.union_act_details.technical_regulation_id
        if number.for_technical_regulation and not regulations:
            problems.append((violation(NUMBER_LETTER_R), ("union_act_details",), []))
        if not number.for_technical_regulation and regulations:
            problems.append(
                (
                    violation(NUMBER_LETTER_E, regulation=regulations[0]),
                    ("union_act_details", "technical_regulation_id", 0),
                    regulations[0],
                )
            )
        status_start = self.certificate_status_details.start_date
        if status_start < self.doc_creation_date:
            problems.append(
                (
                    violation(
                        STATUS_BEFORE_ISSUE,
                        start=status_start.isoformat(),
                        issued=self.doc_creation_date.isoformat(),
                    ),
                    ("certificate_status_details", "start_date"),
                    status_start.isoformat(),
                )
            )
        authority_country = self.unified_authority_details.unified_country_code.value
        if authority_country != country:
            problems.append(
                (
                    violation(AUTHORITY_COUNTRY, authority_country=authority_country, country=country),
                    ("unified_authority_details", "unified_country_code"),
                    authority_country,
                )
            )
        raise_all(type(self).__name__, problems)
        return self


#: Inside the shared EEC types reused for items 7, 8.4, 9 and 12 the model requires what the notes
#: of Table 1 name: (item, required multiplicity, XSD multiplicity, "Class.field").
NOTE_TIGHTENINGS: tuple[tuple[str, str, str, str], ...] = (
    ("T1/7", "1", "0..1", "ApplicantDetails.business_entity_name"),
    ("T1/7", "1", "0..1", "ApplicantDetails.business_entity_id"),
    ("T1/7", "1..*", "0..*", "ApplicantDetails.subject_address_details"),
    ("T1/8.4", "1", "0..1", "ManufacturingDocDetails.doc_name"),
    ("T1/9", "1", "0..1", "ManufacturerDetails.business_entity_name"),
    ("T1/9", "1..*", "0..*", "ManufacturerDetails.subject_address_details"),
    ("T1/12", "1", "0..1", "CertificateAuthority.unified_country_code"),
    ("T1/12", "1", "0..1", "CertificateAuthority.authority_name"),
)


# --- root ----------------------------------------------------------------------------------------
class StateRegistrationCertificateDetails(XmlModel):
    """doc:StateRegistrationCertificateDetailsType (R.SM.SS.07.001.CDT): one or more certificates."""

    xml_root = "cert:StateRegistrationCertificateDetails"

    e_doc_header: EDocHeader = el("ccdo:EDocHeader")
    registration_certificate_details: list[RegistrationCertificateDetails] = el(
        "cert:RegistrationCertificateDetails", min_length=1
    )


STRUCTURE = Structure(
    code="R.SM.SS.07.001",
    root=StateRegistrationCertificateDetails,
    xsd_file="EEC_R_SM_SS_07_StateRegistrationCertificate_v1.0.0.xsd",
    title_ru="Сведения о свидетельствах о государственной регистрации продукции",
    title_en="State registration certificates of products (unified registry)",
    table=1,
    published=False,
    paragraphs="§6а, §7а, §15, §35",
)
