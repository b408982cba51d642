"""Who may send what, in whose name (Rules §5–8, §14).

- The flows table names the roles that may send each flow (``Flow.senders``): a supervisory body
  sends no notification (§8), only the Commission answers from the common resources (§14).
- An authority or a supervisory body speaks only for its own member state: every country the
  document states as its source (the Table item "country providing the information", or the
  authority of the document) must be the sender's.
- A supervisory body queries only the dangerous-products database (§8).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sanmeasures.exchange.inbox import Refusal
from sanmeasures.exchange.participants import Participant
from sanmeasures.exchange.routing import Flow

#: SM.CLS.016: the information resource a query asks (3: the dangerous-products database).
DANGEROUS_PRODUCTS_RESOURCE = "3"


class Forbidden(Refusal):
    """The sender may not send this document: HTTP 403 at submission, a rejection at a recipient."""


def _authority_country(authority: Any) -> str | None:
    code = getattr(authority, "unified_country_code", None) if authority is not None else None
    return code.value if code is not None else None


def stated_countries(flow: Flow, document: Any) -> Iterator[tuple[str | None, str]]:
    """(country, table item) for every place the document says on whose behalf it speaks."""
    if flow.structure == "R.SM.SS.07.001":
        for certificate in document.registration_certificate_details:
            yield certificate.unified_country_code.value, "T1/1"
            yield certificate.parsed_registration_number.country, "T1/3"
            yield _authority_country(certificate.unified_authority_details), "T1/12"
    elif flow.structure == "R.SM.SS.08.001":
        for case in document.public_health_alert_details:
            yield case.unified_country_code.value, "T2/1"
    elif flow.structure == "R.SM.SS.08.002":
        for case in document.dangerous_product_alert_details:
            yield case.unified_country_code.value, "T3/1"
    elif flow.structure == "R.SM.SS.09.001":
        for measure in document.sanitary_measure_details:
            code = measure.measure_doc_details.unified_country_code
            yield (code.value if code is not None else None), "T4/2"
    elif flow.structure == "R.SM.SS.09.003":
        yield _authority_country(document.unified_authority_details), "T5/1"
    elif flow.name == "additional_info.request":
        # Item 1 names the requesting authority; an answer repeats it, so only a request is checked.
        yield _authority_country(document.unified_authority_details), "T6/1"
    elif flow.structure in ("R.SM.SS.08.003", "R.SM.SS.08.004", "R.SM.SS.08.005", "R.SM.SS.00.002"):
        yield _authority_country(document.unified_authority_details), "ccdo:UnifiedAuthorityDetails"


def check_sender(flow: Flow, sender: Participant, document: Any) -> None:
    """Raise :class:`Forbidden` unless ``sender`` may send ``document`` of ``flow``."""
    if sender.role not in flow.senders:
        roles = ", ".join(sorted(flow.senders))
        raise Forbidden(
            "sender-role",
            f"{sender.id} не может направлять {flow.name} ({flow.message_code}); отправители: {roles}",
            f"{sender.id} may not send {flow.name} ({flow.message_code}); senders: {roles}",
            item=None,
            paragraph=flow.paragraphs,
        )
    if sender.country is None:
        return  # the Commission speaks for the Union
    for country, item in stated_countries(flow, document):
        if country is not None and country != sender.country:
            raise Forbidden(
                "own-state",
                f"{sender.id} направляет сведения только от имени своего государства ({sender.country}); "
                f"в документе указано {country} ({item})",
                f"{sender.id} sends only in its own state's name ({sender.country}); "
                f"the document states {country} ({item})",
                item=item,
                paragraph="§5–8",
            )
    supervisory_query = sender.role == "supervisory" and flow.structure == "R.SM.SS.00.002"
    if supervisory_query and document.resource != DANGEROUS_PRODUCTS_RESOURCE:
        raise Forbidden(
            "supervisory-query",
            "орган надзора запрашивает только сведения базы данных об опасной продукции (п. 8 Правил)",
            "a supervisory body queries only the dangerous-products database (Rules §8)",
            item=None,
            paragraph="§8",
        )


def check_answerer(sender: Participant, asked: str) -> None:
    """Only the body a request was sent to answers it (§14, §36–38)."""
    if sender.id != asked:
        raise Forbidden(
            "answerer",
            f"на запрос отвечает только орган, которому он направлен ({asked}), а не {sender.id}",
            f"only the body asked ({asked}) answers this request, not {sender.id}",
            item=None,
            paragraph="§14, §36–38",
        )
