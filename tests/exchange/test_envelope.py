"""The envelope carries what routing and signals need; an incomplete one is refused with a reason."""

from __future__ import annotations

import datetime as dt

import pytest

from sanmeasures.exchange.envelope import Envelope, EnvelopeError
from sanmeasures.exchange.routing import BY_NAME
from sanmeasures.exchange.transactions import NOTIFICATION, REQUEST, parameters_of

SENT = dt.datetime(2026, 3, 2, 10, 15, tzinfo=dt.timezone(dt.timedelta(hours=3)))


def test_envelope_survives_the_trip_through_amqp_properties() -> None:
    envelope = Envelope(
        "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
        None,
        "P.SS.08.MSG.017",
        "R.SM.SS.08.002",
        "authority:RU",
        "authority:KZ",
        SENT,
    )
    assert envelope.process == "P.SS.08"
    again = Envelope.from_message(envelope.edoc_id, None, envelope.headers())
    assert again == envelope


@pytest.mark.parametrize("missing", ["message-code", "structure", "sender", "recipient", "sent-at"])
def test_an_incomplete_envelope_says_what_is_missing(missing: str) -> None:
    headers = Envelope("x", None, "P.SS.08.MSG.017", "R.SM.SS.08.002", "a", "b", SENT).headers()
    del headers[missing]
    with pytest.raises(EnvelopeError, match=missing):
        Envelope.from_message("x", None, headers)


def test_requests_also_wait_for_their_answer() -> None:
    assert parameters_of(BY_NAME["laboratory_protocol.request"]) is REQUEST
    assert parameters_of(BY_NAME["morbidity.notice"]) is NOTIFICATION
    assert REQUEST.time_to_answer is not None and NOTIFICATION.time_to_answer is None
    fast = REQUEST.scaled(0.001)
    assert fast.time_to_receipt < REQUEST.time_to_receipt and fast.repeats == REQUEST.repeats
