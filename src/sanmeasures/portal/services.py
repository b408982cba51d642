"""Information and reference services on the application of sanitary measures (Rules §31д).

Rules §31д: "информационно-справочные сервисы о применении санитарных мер в рамках Союза". One page
per common process says what the portal publishes and what it does not (Rules §39), who sends what
to whom, the time limits the Rules set, and how to use the API:

    /services              every process and electronic service of the portal
    /services/{process}    one of them

The facts of the exchange are read from the code that does the work, so the pages cannot drift
from what the node does: the flows (message and structure codes, senders, recipients, paragraphs)
from the routing table ``exchange/routing.py``, the structures and their schemas from
``contract/catalogue.py``, the published composition from Appendix 2 (``contract/tables.py``), the
query filters from ``storage/search.py`` (through ``portal/resources.py``), the §39 items from the
node's confidentiality policy, the time limits from ``processes/deadlines.py`` (§17),
``form1kt/store.py`` (15 February) and ``exchange/transactions.py``. The explanations are written
here in English and translated by ``locales/<lang>/services.po``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from babel.dates import format_date, format_timedelta
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from sanmeasures.contract.catalogue import structures
from sanmeasures.contract.examples import KZ_NUMBER
from sanmeasures.contract.structure import Structure
from sanmeasures.contract.tables import ITEMS, TABLES, TableItem
from sanmeasures.exchange.routing import FLOWS, SIGNALS, Flow
from sanmeasures.exchange.transactions import NOTIFICATION, REQUEST, TransactionParameters
from sanmeasures.form1kt.store import DUE_DAY, DUE_MONTH
from sanmeasures.portal import classifiers
from sanmeasures.portal.i18n import translations
from sanmeasures.portal.resources import RESOURCES, Resource
from sanmeasures.portal.web import language, render, settings_of
from sanmeasures.processes.deadlines import WORKING_DAYS

router = APIRouter(include_in_schema=False)

#: Export formats of every published list (``/api/v1/export/{resource}.{format}``, Rules §31б).
EXPORT_FORMATS: tuple[str, ...] = ("csv", "xlsx", "json", "xml")
#: Parameters of every search that are not filters of one resource.
_COMMON_PARAMETERS = ("text", "order", "limit", "cursor")


# --- paragraphs ------------------------------------------------------------------------------------
_PARAGRAPH = re.compile(r"§\s*(\d+)([а-я]?)(?:\s*[–-]\s*(\d*)([а-я]?))?")


def paragraph_numbers(text: str) -> frozenset[str]:
    """The paragraphs a reference names: ``"§6б, §16–19"`` → 6б, 16, 17, 18, 19; ``"§7е–ж"`` → 7е, 7ж."""
    found: set[str] = set()
    for number, letter, last_number, last_letter in _PARAGRAPH.findall(text):
        if last_letter:  # "§7е–ж"
            first = letter or last_letter
            found.update(f"{number}{chr(c)}" for c in range(ord(first), ord(last_letter) + 1))
        elif last_number:  # "§16–19"
            found.update(str(n) for n in range(int(number), int(last_number) + 1))
        else:
            found.add(number + letter)
    return frozenset(found)


# --- what a page is made of -----------------------------------------------------------------------
@dataclass(frozen=True)
class Call:
    """One way to use the API: what it is for, the request and a command line to try it."""

    purpose: str  # English msgid
    method: str
    path: str  # as documented, with <placeholders>
    example: str  # a curl command line; "{base}" stands for the node's public address
    link: str | None = None  # a path of this site to open the answer in a browser


@dataclass(frozen=True)
class Service:
    slug: str
    title: str  # English msgid
    #: The Rules paragraphs the page is about; a flow of the routing table whose paragraphs share
    #: one of them is shown on the page.
    paragraphs: tuple[str, ...]
    summary: str
    published: tuple[str, ...]
    withheld: tuple[str, ...]
    tables: tuple[int, ...] = ()
    resource: str | None = None  # a key of RESOURCES: its search, detail and export calls
    detail: str | None = None  # the API path of one record of the resource, with <placeholders>
    detail_example: str | None = None  # the same path for a record one can try
    pages: tuple[tuple[str, str], ...] = ()  # (path, English label)
    calls: tuple[Call, ...] = ()
    classifiers: tuple[str, ...] = ()  # code-list ids used besides those of the tables' items
    #: Time limits, each an English msgid with %(name)s fields filled from the node's constants.
    time_limits: tuple[str, ...] = ()
    #: Path prefixes of the node's API routes that belong to the service (listed from the app).
    api_prefixes: tuple[str, ...] = ()
    #: Who takes part, for a service without flows of the routing table (English msgid).
    participants: str = ""

    @property
    def numbers(self) -> frozenset[str]:
        return paragraph_numbers(" ".join(self.paragraphs))

    def flows(self) -> tuple[Flow, ...]:
        """The flows of the routing table this process is made of."""
        return tuple(f for f in FLOWS if paragraph_numbers(f.paragraphs) & self.numbers)

    def structures(self) -> tuple[Structure, ...]:
        """The structures of its tables and of its flows, in catalogue order."""
        codes = {f.structure for f in self.flows()}
        return tuple(s for s in structures().values() if s.code in codes or s.table in self.tables)

    def classifier_slugs(self) -> tuple[str, ...]:
        """The code lists used by the items of its tables, and the ones it names."""
        return tuple(
            c.slug
            for c in classifiers.catalogue().values()
            if c.id in self.classifiers or any(i.table in self.tables for i in c.items)
        )


_MESSAGES_CALLS = (
    Call(
        "Check a document against the XSD, the tables and the filling rules before sending it",
        "POST",
        "/api/v1/validate",
        "curl -X POST {base}/api/v1/validate -H 'Content-Type: application/xml' --data-binary @document.xml",
    ),
    Call(
        "Send a document (authorized bodies, with the participant's key)",
        "POST",
        "/api/v1/messages",
        "curl -X POST {base}/api/v1/messages -H 'Authorization: Bearer smk_…' "
        "-H 'Content-Type: application/xml' --data-binary @document.xml",
    ),
    Call(
        "Follow a sent document: its recipients, receipts and processing results",
        "GET",
        "/api/v1/messages/<edoc_id>",
        "curl {base}/api/v1/messages/<edoc_id> -H 'Authorization: Bearer smk_…'",
    ),
    Call(
        "The structures the node reads and writes, with their schemas and examples",
        "GET",
        "/api/v1/structures",
        "curl {base}/api/v1/structures",
        "/api/v1/structures",
    ),
)

_NOT_PUBLISHED_EXCHANGES = (
    "The messages themselves, their delivery records and drafts are not published: the portal shows "
    "the resulting common resource."
)
_CONFIDENTIAL_ITEMS = (
    "Items that the law of the sending member state makes confidential are removed from the public "
    "version (Rules §39)."
)

SERVICES: tuple[Service, ...] = (
    Service(
        "registry",
        "Unified registry of state registration certificates",
        ("§15", "§35"),
        "The Commission keeps the unified registry of state registration certificates of products from "
        "the national parts of the member states (Rules §7а, §15). A certificate entered or changed in a "
        "national part is sent to the Commission automatically (Rules §35) and published on the portal.",
        (
            "Every item of Table 1 of Appendix 2: the certificate, its status and validity, the applicant, "
            "the manufacturer, the products and the documents confirming their conformity.",
            "Every version of a certificate: suspensions, annulments and other changes stay visible.",
        ),
        (
            "Laboratory test protocols are not part of the registry (Rules §36): authorized bodies "
            "request them from each other.",
            _NOT_PUBLISHED_EXCHANGES,
            _CONFIDENTIAL_ITEMS,
        ),
        tables=(1,),
        resource="registry",
        detail="/api/v1/registry/<number>",
        detail_example=f"/api/v1/registry/{quote(KZ_NUMBER, safe='')}",
        pages=(("/registry", "Registry of certificates"), ("/check", "Certificate check")),
        api_prefixes=("/api/v1/registry",),
        calls=(
            Call(
                "Status of a certificate (Rules §31з)",
                "GET",
                "/api/v1/registry/<number>/status",
                "curl {base}/api/v1/registry/" + quote(KZ_NUMBER, safe="") + "/status",
            ),
        ),
        time_limits=(
            "Sent automatically when a certificate is entered or changed in a national part (Rules §35).",
        ),
    ),
    Service(
        "morbidity",
        "Morbidity database",
        ("§16–20",),
        "The morbidity database holds the cases of infectious and mass non-infectious diseases "
        "(poisonings) reported by the authorized bodies and the sanitary measures taken (Rules §16, "
        "Table 2). A case is never deleted: the results of the investigation and the measures taken "
        "(Rules §18) and the completion of the measures (Rules §19) are new versions of it.",
        (
            "Every notice of a case (Table 2): the first notice, the updates and the closure, with the "
            "disease, the place of detection, the measures taken and the causes.",
            "Confirmed links between a disease case and a case of dangerous products (Rules §18).",
            "First notices that came later than the time limit of Rules §17 are counted in the statistics.",
        ),
        (_NOT_PUBLISHED_EXCHANGES, _CONFIDENTIAL_ITEMS),
        tables=(2,),
        resource="morbidity",
        detail="/api/v1/morbidity/<country>/<registration number>",
        pages=(("/morbidity", "Morbidity"), ("/statistics", "Statistics")),
        api_prefixes=("/api/v1/morbidity",),
        time_limits=(
            "A case is reported to the Commission within %(days)s working days of the authorized body's "
            "decision (Rules §17); working days of the reporting member state.",
            "Updates and the closure are sent as the information comes in (Rules §18, §19).",
        ),
    ),
    Service(
        "dangerous-products",
        "Database of dangerous products",
        ("§21–25", "§38"),
        "The database holds the cases of products dangerous to human life, health and environment found "
        "at the customs border and in the customs territory of the Union, and the sanitary measures "
        "taken (Rules §21, §22, Table 3). The authorized body notifies the other authorized bodies, the "
        "supervisory bodies (Rules §8) and the Commission; updates (Rules §23), the completion of the "
        "measures or the confirmation that the product is safe (Rules §24) are new versions, nothing is "
        "deleted. A violation in the production process is reported to the authorized body of the "
        "manufacturer's state, which answers with the measures taken (Rules §38).",
        (
            "Every notice of a case (Table 3): the product, its manufacturer, the violations found, the "
            "place of detection and the measures taken, with the archive flag (current or archived).",
            "Links between a case of dangerous products and disease cases (Rules §23).",
        ),
        (
            "Notices of violations in the production process and their answers (Rules §38) are exchanged "
            "between the authorized bodies only.",
            "In those exchanges information confidential under national law is not passed on (Rules §39).",
            _CONFIDENTIAL_ITEMS,
        ),
        tables=(3,),
        resource="dangerous-products",
        detail="/api/v1/dangerous-products/<country>/<registration number>",
        pages=(("/dangerous-products", "Dangerous products"), ("/statistics", "Statistics")),
        api_prefixes=("/api/v1/dangerous-products",),
        time_limits=(
            "Updates and the completion of the measures are sent as the information comes in (Rules §23, §24).",
        ),
    ),
    Service(
        "measures",
        "Temporary sanitary measures",
        ("§26–30",),
        "The common resource of temporary sanitary measures (Rules §26–30): the measures a member state "
        "introduces, changes or cancels (Table 4) in the form of a ban, a restriction or a suspension "
        "(EEC Council Decision No. 149 of 16 May 2016), and the results of their review by the other "
        "member states, response measures included (Table 5). A measure introduced because of disease "
        "cases or dangerous products names those cases as its justification (Rules §30).",
        (
            "Every version of a measure (Table 4): the document introducing it, the description, the "
            "dates, the grounds, the activities ensuring it and the conditions of its cancellation.",
            "The reviews and response measures of the other member states (Table 5).",
            "The cases that justify the measure (Rules §30).",
        ),
        (
            "Additional information requested by one authorized body from another (Rules §37, Table 6) "
            "is not published.",
            _NOT_PUBLISHED_EXCHANGES,
            _CONFIDENTIAL_ITEMS,
        ),
        tables=(4, 5),
        resource="measures",
        detail="/api/v1/measures/<country>/<document date>/<document number>",
        pages=(("/measures", "Temporary measures"),),
        api_prefixes=("/api/v1/measures",),
        classifiers=("SM.CLS.003",),
    ),
    Service(
        "additional-information",
        "Additional information on request",
        ("§37",),
        "An authorized body may ask another for additional information on a case of dangerous products "
        "or on a temporary sanitary measure (Rules §6в, §37); the request and the answer are composed as "
        "Table 6 of Appendix 2.",
        ("Nothing: the requests and the answers are exchanged between the authorized bodies only.",),
        (
            "The whole exchange. Information confidential under the law of the answering member state is "
            "not passed on at all (Rules §39).",
        ),
        tables=(6,),
    ),
    Service(
        "laboratory-protocols",
        "Laboratory test protocols",
        ("§36",),
        "The laboratory test protocols on which a certificate was issued are not part of the registry "
        "(Rules §36). An authorized body requests a protocol from the authorized body that issued the "
        "certificate, giving the certificate's number and date of issue and the kind of test; the answer "
        "carries a scanned copy or an electronic protocol, or a refusal with its reason.",
        ("Nothing: protocols go from one authorized body to another on request.",),
        (
            "The protocols themselves. A protocol that is confidential under national law is refused "
            "with the reason «confidential» (Rules §39).",
        ),
        classifiers=("SM.CLS.014", "SM.CLS.015"),
    ),
    Service(
        "information-on-request",
        "Information from the common resources on request",
        ("§14",),
        "The authorized bodies and the supervisory bodies may ask the Commission for information from "
        "the common resources (Rules §7е, §7ж, §8, §14); the Commission answers with the information "
        "that is published on the portal. Interested persons use the portal's pages and API directly "
        "(Rules §9).",
        ("The answer holds what the portal publishes from the requested resource (Rules §14).",),
        ("Anything the portal does not publish.",),
        classifiers=("SM.CLS.016",),
    ),
    Service(
        "certificate-check",
        "Certificate status check",
        ("§31з",),
        "Check whether a state registration certificate is in force, suspended or annulled by its "
        "registration number (Rules §31з). The number may be typed with Latin or Cyrillic look-alike "
        "letters, spaces or in another letter case. The page of every certificate has a QR code that "
        "opens its check.",
        ("The status, its dates, the validity of the certificate and the history of its statuses.",),
        ("Nothing beyond the registry (Rules §15).",),
        pages=(("/check", "Certificate check"), ("/registry", "Registry of certificates")),
        api_prefixes=("/api/v1/registry/{number}/status",),
        participants="Anyone checks a certificate; the status comes from the unified registry the Commission keeps "
        "from the authorized bodies' notices (Rules §35).",
        calls=(
            Call(
                "Status of a certificate (Rules §31з)",
                "GET",
                "/api/v1/registry/<number>/status",
                "curl {base}/api/v1/registry/" + quote(KZ_NUMBER, safe="") + "/status",
            ),
        ),
        classifiers=("SM.CLS.006",),
    ),
    Service(
        "subscriptions",
        "Subscriptions and risk notifications",
        ("§31а", "§31в"),
        "Subscribe to updates of the published information and to notifications of risks to the life and "
        "health of the citizens of the member states (Rules §31а, §31в): choose a resource and filters "
        "and receive every new or changed record by e-mail or at the web address of your information system.",
        ("New and changed records of the four common resources that match the subscription's filters.",),
        ("Nothing that the portal does not publish.",),
        pages=(("/subscriptions", "Subscriptions"),),
        api_prefixes=("/api/v1/subscriptions",),
        participants="Anyone subscribes; the portal sends each subscriber the new and changed records that match.",
        calls=(
            Call(
                "Subscribe (the request body is described in the OpenAPI description)",
                "POST",
                "/api/v1/subscriptions",
                "curl -X POST {base}/api/v1/subscriptions -H 'Content-Type: application/json' "
                "--data-binary @subscription.json",
            ),
        ),
    ),
    Service(
        "exports",
        "Search and export",
        ("§31б",),
        "Search the published information and download it in CSV, XLSX, JSON or XML, from the list pages "
        "or by an information system (Rules §9, §31б). Every filter of a list works for its export.",
        ("The four common resources as published (Rules §15, §20, §25, §29).",),
        (_CONFIDENTIAL_ITEMS,),
        pages=tuple((f"/{r.name}", r.title) for r in RESOURCES.values()),
        api_prefixes=("/api/v1/export/", "/api/v1/snapshots"),
        participants="Anyone searches and exports; the node also writes a full daily copy of each resource.",
        calls=tuple(
            Call(
                "Export: " + r.title,
                "GET",
                f"/api/v1/export/{r.name}.<csv|xlsx|json|xml>",
                f"curl -o {r.name}.xlsx '{{base}}/api/v1/export/{r.name}.xlsx?country=KZ'",
            )
            for r in RESOURCES.values()
        ),
    ),
    Service(
        "statistics",
        "Statistics and analytics",
        ("§31е",),
        "Statistical and analytical information on sanitary measures in graphic form (charts, maps, "
        "dashboards) and as tables (Rules §31е), built from the published resources.",
        ("Counts and distributions of the published records by member state, period and kind.",),
        ("Nothing that the portal does not publish.",),
        pages=(("/statistics", "Statistics"),),
        calls=(
            Call(
                "Totals of the common resources, overall and per member state",
                "GET",
                "/api/v1/statistics",
                "curl '{base}/api/v1/statistics?lang=en'",
                "/api/v1/statistics",
            ),
        ),
        api_prefixes=("/api/v1/statistics",),
        participants="Anyone reads the statistics; they are computed from the published resources.",
    ),
    Service(
        "cabinet",
        "Personal cabinet of an authorized body (form 1KT)",
        ("§31ж", "§33", "§44"),
        "The personal cabinet of an authorized body (Rules §31ж, §33): its staff log in with the key of "
        "their participant and submit the annual report in form 1KT on the measures of sanitary "
        "protection of the customs territory of the Union; the Commission publishes the reports (Rules "
        "§7з, §44).",
        ("Submitted 1KT reports and their totals across the member states.",),
        ("Drafts that are not submitted yet.",),
        pages=(("/cabinet", "Personal cabinet"), ("/login", "Log in")),
        api_prefixes=("/api/v1/cabinet/",),
        calls=(
            Call(
                "Your authority's form 1KT for a year (the participant's key)",
                "GET",
                "/api/v1/cabinet/1kt/<year>",
                "curl {base}/api/v1/cabinet/1kt/<year> -H 'Authorization: Bearer smk_…'",
            ),
        ),
        participants="The staff of an authorized body submit their member state's report through the personal "
        "cabinet; the Commission's staff see the reports of every member state (Rules §33, §44).",
        time_limits=("The report for a year is due by %(due)s of the following year.",),
    ),
)

BY_SLUG: dict[str, Service] = {s.slug: s for s in SERVICES}

#: Roles of the senders (routing ``senders``), English msgids.
ROLES: dict[str, str] = {
    "authority": "authorized body of a member state",
    "supervisory": "supervisory body",
    "commission": "the Commission",
}
#: The recipient rules of the routing table, by the function's name, English msgids.
RECIPIENTS: dict[str, str] = {
    "commission": "the Commission",
    "other_authorities": "the authorized bodies of the other member states",
    "all_authorities": "the authorized bodies of all member states",
    "supervisory_bodies": "the supervisory bodies (Rules §8)",
    "manufacturer_authority": "the authorized body of the manufacturer's member state (Rules §38)",
    "certificate_authority": "the authorized body that issued the certificate (Rules §36)",
    "measure_authority": "the authorized body that introduced the measure (Rules §28)",
    "asked_authority": "the authorized body of the member state of the case or the measure (Table 6)",
    "requester": "the sender of the request",
}
TEMPLATES: dict[str, str] = {
    "notification": "notification",
    "request": "request (waits for an answer)",
    "response": "answer to a request",
}


def recipients_of(flow: Flow) -> list[str]:
    """English msgids of who receives the flow (the rule's own name when it has no label yet)."""
    return [RECIPIENTS.get(rule.__name__, rule.__name__.replace("_", " ")) for rule in flow.recipients]


def resource_calls(resource: Resource, detail: str | None, example: str | None) -> tuple[Call, ...]:
    """Search, one record and export of a published resource."""
    name = resource.name
    calls = [
        Call(
            "Search and list (JSON); the answer's next_cursor gives the next page (cursor=…)",
            "GET",
            f"/api/v1/{name}?text=…",
            f"curl -G {{base}}/api/v1/{name} --data-urlencode 'text=…' -d limit=20",
            f"/api/v1/{name}?limit=20",
        ),
    ]
    if detail is not None:
        calls.append(
            Call("One record with every version", "GET", detail, f"curl '{{base}}{example or detail}'")
        )
    calls.append(
        Call(
            "Export with the same filters",
            "GET",
            f"/api/v1/export/{name}.<csv|xlsx|json|xml>",
            f"curl -o {name}.csv '{{base}}/api/v1/export/{name}.csv?country=KZ'",
        )
    )
    return tuple(calls)


#: API routes of the exchange, listed on every page with flows.
_MESSAGES_PREFIXES = ("/api/v1/validate", "/api/v1/messages", "/api/v1/structures")


def endpoints(request: Request, prefixes: tuple[str, ...]) -> list[dict[str, Any]]:
    """The node's documented API operations under ``prefixes`` (as its OpenAPI description lists them):
    method, path, summary, and a link for a plain GET without path parameters."""
    paths = request.app.openapi().get("paths", {})
    found = []
    for prefix in prefixes:  # the service's own first, then the exchange's
        for path, operations in paths.items():
            if not path.startswith(prefix) or any(e["path"] == path for e in found):
                continue
            for method, operation in operations.items():
                found.append(
                    {
                        "method": method.upper(),
                        "path": path,
                        "summary": operation.get("summary") or operation.get("operationId", ""),
                        "link": path if method == "get" and "{" not in path else None,
                    }
                )
    return found


def filters_of(resource: Resource) -> list[tuple[str, str]]:
    """(name, description) of the filters a resource's search takes besides the common ones."""
    fields = resource.query.model_fields
    return [
        (name, fields[name].description or "")
        for name in fields
        if name not in _COMMON_PARAMETERS and name not in resource.fixed
    ]


def confidential_items(request: Request, tables: tuple[int, ...]) -> list[TableItem]:
    """The items of ``tables`` this node's §39 policy withholds, in table order."""
    policy = settings_of(request).confidentiality().items
    return [item for item in ITEMS.values() if item.table in tables and item.id in policy]


def _time_limits(service: Service, lang: str) -> list[str]:
    gettext = translations(lang).gettext
    due = format_date(dt.date(2000, DUE_MONTH, DUE_DAY), "d MMMM", locale=lang)
    values = {"days": WORKING_DAYS, "due": due}
    return [gettext(text) % values for text in service.time_limits]


def _waiting(lang: str) -> dict[str, dict[str, Any]]:
    """The node's transaction parameters, formatted for ``lang`` (exchange/transactions.py)."""

    def spell(parameters: TransactionParameters) -> dict[str, Any]:
        def span(value: dt.timedelta | None) -> str | None:
            return None if value is None else format_timedelta(value, threshold=2, locale=lang)

        return {
            "receipt": span(parameters.time_to_receipt),
            "result": span(parameters.time_to_result),
            "answer": span(parameters.time_to_answer),
            "repeats": parameters.repeats,
        }

    return {"notification": spell(NOTIFICATION), "request": spell(REQUEST)}


def context(request: Request, service: Service) -> dict[str, Any]:
    lang = language(request)
    resource = RESOURCES.get(service.resource) if service.resource else None
    calls = (
        list(resource_calls(resource, service.detail, service.detail_example)) if resource is not None else []
    )
    calls.extend(service.calls)
    flows = service.flows()
    prefixes = service.api_prefixes
    if flows:
        calls.extend(_MESSAGES_CALLS)
        prefixes += _MESSAGES_PREFIXES
    confidential_tables = tuple(
        sorted({s.table for s in service.structures() if s.table is not None} | set(service.tables))
    )
    return {
        "service": service,
        "flows": flows,
        "structures": service.structures(),
        "structure_of": structures(),
        "signals": [(name, code, structure) for name, (code, structure) in SIGNALS.items()],
        "recipients_of": recipients_of,
        "roles": ROLES,
        "templates": TEMPLATES,
        "tables": [TABLES[t] for t in service.tables],
        "resource": resource,
        "filters": filters_of(resource) if resource is not None else [],
        "calls": calls,
        "public_url": settings_of(request).public_url,
        "classifiers": [classifiers.catalogue()[slug] for slug in service.classifier_slugs()],
        "withheld_items": confidential_items(request, confidential_tables),
        "time_limits": _time_limits(service, lang),
        "waiting": _waiting(lang),
        "export_formats": EXPORT_FORMATS,
        "endpoints": endpoints(request, prefixes) if prefixes else [],
    }


# --- pages -----------------------------------------------------------------------------------------
@router.get("/services", response_class=HTMLResponse)
def services_page(request: Request) -> Response:
    return render(request, "services.html", {"services": SERVICES})


@router.get("/services/{process}", response_class=HTMLResponse)
def service_page(request: Request, process: str) -> Response:
    service = BY_SLUG.get(process)
    if service is None:
        return render(
            request, "services_unknown.html", {"asked": process, "services": SERVICES}, status_code=404
        )
    return render(request, "services_detail.html", context(request, service))
