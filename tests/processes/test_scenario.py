"""Issue 5's outbreak story, through every node's HTTP API, the real RabbitMQ and a PostgreSQL
database per node (five authorities, the Commission, two supervisory bodies):

KZ reports a salmonellosis outbreak (§17); RU finds a linked dangerous product (§21–22) and KZ links
its case to it (§18); RU introduces a temporary ban justified by both cases (§27, §30); BY and KG
review it (§28); KZ asks RU for additional information and gets it (§37); KZ closes its case (§19);
RU cancels the ban. At the end every participant's stored view is checked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
import sqlalchemy as sa

from sanmeasures.cases.store import case_view
from sanmeasures.contract import blocks as b
from sanmeasures.contract.examples import country
from sanmeasures.contract.pipeline import encode
from sanmeasures.contract.simple_content import DiseaseHealthProblemCode
from sanmeasures.measures.store import measure_view
from sanmeasures.requests.store import thread
from sanmeasures.storage.tables import deliveries
from tests.support.flows import DEPLOYMENT, fresh
from tests.support.network import Network, drop_template
from tests.support.rabbitmq import fresh_vhost, vhost_url

KZ_CASE, RU_CASE = "KZ-2026-SAL-01", "RU-2026-DP-0777"
BAN = ("RU", "77-ВСМ-12", dt.date(2026, 3, 20))


def alert_id(
    state: str, number: str, kind: str = "1", on: dt.date = dt.date(2026, 3, 16)
) -> b.IncidentAlertIdDetails:
    return b.IncidentAlertIdDetails(
        unified_country_code=country(state), incident_id=number, incident_kind_code=kind, doc_creation_date=on
    )


def morbidity(kind: str, *, links: list[b.IncidentAlertIdDetails] = ()) -> bytes:  # type: ignore[assignment]
    document = fresh("R.SM.SS.08.001")
    case = document.public_health_alert_details[0]
    incident = case.public_health_incident_details
    disease = incident.disease_health_problem_details.model_copy(
        update={
            "disease_health_problem_code": DiseaseHealthProblemCode(value="A02.0", code_list_id="ICD-10"),
            "disease_health_problem_name": "Сальмонеллёзный энтерит",
            "pathogen_details": [],
        }
    )
    case = case.model_copy(
        update={
            "incident_id": KZ_CASE,
            "incident_kind_code": kind,
            "doc_creation_date": dt.date(2026, 3, 16),
            "public_health_incident_details": incident.model_copy(
                update={"disease_health_problem_details": disease}
            ),
            "incident_alert_id_details": list(links),
        }
    )
    return encode(document.model_copy(update={"public_health_alert_details": [case]}))


def dangerous_product() -> bytes:
    document = fresh("R.SM.SS.08.002")
    case = document.dangerous_product_alert_details[0].model_copy(
        update={"incident_id": RU_CASE, "doc_creation_date": dt.date(2026, 3, 18)}
    )
    return encode(document.model_copy(update={"dangerous_product_alert_details": [case]}))


def ban(*, cancelled: bool = False) -> bytes:
    document = fresh("R.SM.SS.09.001")
    measure = document.sanitary_measure_details[0]
    state, number, date = BAN
    doc = measure.measure_doc_details.model_copy(
        update={"unified_country_code": country(state), "doc_id": number, "doc_creation_date": date}
    )
    end = document.e_doc_header.e_doc_date_time.date() if cancelled else dt.date(2026, 9, 20)
    measure = measure.model_copy(
        update={
            "measure_name": "Запрет ввоза сырокопчёных колбас изготовителя",
            "measure_doc_details": doc,
            "measure_reason_code": "1",
            "start_date": dt.date(2026, 3, 1),
            "end_date": end,
            "incident_alert_id_details": [
                alert_id("KZ", KZ_CASE),
                alert_id("RU", RU_CASE, on=dt.date(2026, 3, 18)),
            ],
            "measure_implementation_details": [],
        }
    )
    return encode(document.model_copy(update={"sanitary_measure_details": [measure]}))


def review(by: str) -> bytes:
    document = fresh("R.SM.SS.09.003")
    state, number, date = BAN
    authority = document.unified_authority_details.model_copy(update={"unified_country_code": country(by)})
    reviewed = document.measure_doc_details.model_copy(
        update={"unified_country_code": country(state), "doc_id": number, "doc_creation_date": date}
    )
    implementation = [
        i.model_copy(update={"unified_country_code": country(by), "implementing_entity_details": []})
        for i in document.measure_implementation_details
    ]
    return encode(
        document.model_copy(
            update={
                "unified_authority_details": authority,
                "measure_doc_details": reviewed,
                "measure_implementation_details": implementation,
            }
        )
    )


def additional_info_request() -> Any:
    document = fresh("R.SM.SS.09.002")
    authority = document.unified_authority_details.model_copy(update={"unified_country_code": country("KZ")})
    return document.model_copy(
        update={
            "unified_authority_details": authority,
            "incident_alert_id_details": alert_id("RU", RU_CASE, on=dt.date(2026, 3, 18)),
            "unified_country_code": None,
            "measure_doc_reference_details": None,
        }
    )


def additional_info_answer(request: Any) -> bytes:
    answer = fresh("R.SM.SS.09.002", envelope="P.SS.09.MSG.004", answers=request.e_doc_header.e_doc_id)
    return encode(
        answer.model_copy(
            update={
                "unified_authority_details": request.unified_authority_details,
                "incident_alert_id_details": request.incident_alert_id_details,
                "unified_country_code": None,
                "measure_doc_reference_details": None,
                "description_text": "Протокол испытаний прилагается; партия 0125 изъята из оборота.",
            }
        )
    )


@pytest.fixture
async def network() -> AsyncIterator[Network]:
    with fresh_vhost() as vhost:
        net = Network(DEPLOYMENT, vhost_url(vhost))
        try:
            await net.start_api()
            yield net
        finally:
            await net.stop()
            await drop_template()


async def send(network: Network, sender: str, data: bytes, **params: str) -> str:
    response = await network.post(sender, data, **params)
    assert response.status_code == 202, response.text
    answer = response.json()
    await network.wait_settled({sender: [answer["edoc_id"]]})
    states = await network.delivery_states(sender, [answer["edoc_id"]])
    assert set(states.values()) <= {"accepted", "answered"}, states  # every recipient accepted it
    return answer["edoc_id"]


async def test_an_outbreak_told_from_first_notice_to_the_cancelled_ban(network: Network) -> None:
    await send(network, "authority:KZ", morbidity("1"), decision_date="2026-03-16")
    await send(network, "authority:RU", dangerous_product())
    await send(
        network, "authority:KZ", morbidity("2", links=[alert_id("RU", RU_CASE, on=dt.date(2026, 3, 18))])
    )
    await send(network, "authority:RU", ban())
    await send(network, "authority:BY", review("BY"))
    await send(network, "authority:KG", review("KG"))
    request = additional_info_request()
    request_id = await send(network, "authority:KZ", encode(request))
    await send(network, "authority:RU", additional_info_answer(request))
    await send(network, "authority:KZ", morbidity("3"))
    await send(network, "authority:RU", ban(cancelled=True))

    async def view(participant: str) -> dict[str, Any]:
        async def work(connection):  # type: ignore[no-untyped-def]
            kz = await case_view(connection, "morbidity", "KZ", KZ_CASE)
            ru = await case_view(connection, "dangerous_product", "RU", RU_CASE)
            measure = await measure_view(connection, *BAN)
            asked = await thread(connection, request_id)
            pending = (
                await connection.execute(
                    sa.select(sa.func.count())
                    .select_from(deliveries)
                    .where(deliveries.c.state.not_in(("accepted", "answered")))
                    .where(deliveries.c.flow.not_like("signal.%"))  # signals expect no signals back
                )
            ).scalar_one()
            return {"kz": kz, "ru": ru, "measure": measure, "thread": asked, "pending": pending}

        return await network.nodes[participant].query(work)

    views = {p: await view(p) for p in DEPLOYMENT}
    for participant, seen in views.items():
        assert seen["pending"] == 0, participant  # every message this node sent was accepted
        if participant.startswith("supervisory"):
            # §8: supervisory bodies get the dangerous product, not the morbidity case nor the measures
            assert seen["ru"] is not None and seen["kz"] is None and seen["measure"] is None, participant
            continue
        kz, ru, measure = seen["kz"], seen["ru"], seen["measure"]
        # The morbidity case: three notices, linked to the product (§18), closed (§19).
        assert [v.incident_kind for v in kz.versions] == ["1", "2", "3"], participant
        assert kz.closed_on is not None and kz.disease_code == "A02.0", participant
        assert {(link.linked_country, link.linked_registration_number) for link in kz.links} == {
            ("RU", RU_CASE)
        }
        assert all(link.linked is not None for link in kz.links), participant  # resolved to the case held
        assert ru is not None and ru.closed_on is None, participant
        # The ban: introduced, then cancelled; justified by both cases, each resolved to the case held (§30).
        assert [v.action for v in measure.versions] == ["introduced", "cancelled"], participant
        assert measure.state == "cancelled"
        assert sorted((c.case_country, c.case_registration_number) for c in measure.cases) == [
            ("KZ", KZ_CASE),
            ("RU", RU_CASE),
        ]
        assert all(c.case is not None for c in measure.cases), participant
        # §28: reviews go to the Commission and the authority that introduced the measure; a reviewer
        # keeps its own.
        expected = {"commission": ["BY", "KG"], "authority:RU": ["BY", "KG"], "authority:BY": ["BY"]}
        expected["authority:KG"] = ["KG"]
        assert sorted(r.reviewer_country for r in measure.reviews) == expected.get(participant, []), (
            participant
        )

    # §37: the request and its answer are held by the two authorities concerned only.
    for participant, seen in views.items():
        held = seen["thread"]
        if participant in ("authority:KZ", "authority:RU"):
            assert held is not None and held.answered and not held.answers[0].refused, participant
        else:
            assert held is None, participant

    # §17: KZ decided on 16 March 2026, so the notice was due on 19 March by KZ's calendar; submitted
    # today, it is recorded as late — and kept.
    async def timeliness(connection):  # type: ignore[no-untyped-def]
        from sanmeasures.storage.tables import notice_timeliness

        row = (await connection.execute(sa.select(notice_timeliness))).one()
        return row.basis, row.decision_date, row.due_on, row.late

    basis, decided, due, late = await network.nodes["authority:KZ"].query(timeliness)
    assert (basis, decided) == ("decision", dt.date(2026, 3, 16)) and due == dt.date(2026, 3, 19) and late
