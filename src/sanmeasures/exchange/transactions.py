"""Parameters of the EEC transaction templates: how long to wait for each signal, how often to repeat.

A *notification* waits for the receipt ("Получено") and the processing result ("Принято в
обработку"); a *request* also waits for the answer. Past a limit the sender re-sends the same
document (same EDocId); after the last repeat the delivery is recorded as failed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sanmeasures.exchange.routing import BY_NAME, Flow


@dataclass(frozen=True)
class TransactionParameters:
    time_to_receipt: dt.timedelta
    time_to_result: dt.timedelta
    time_to_answer: dt.timedelta | None  # request/response only
    repeats: int

    def scaled(self, factor: float) -> TransactionParameters:
        """The same parameters, faster or slower (tests and demos run them in seconds)."""
        return TransactionParameters(
            self.time_to_receipt * factor,
            self.time_to_result * factor,
            self.time_to_answer * factor if self.time_to_answer else None,
            self.repeats,
        )


NOTIFICATION = TransactionParameters(
    time_to_receipt=dt.timedelta(minutes=5),
    time_to_result=dt.timedelta(minutes=30),
    time_to_answer=None,
    repeats=3,
)
REQUEST = TransactionParameters(
    time_to_receipt=dt.timedelta(minutes=5),
    time_to_result=dt.timedelta(minutes=30),
    time_to_answer=dt.timedelta(days=10),
    repeats=3,
)


def parameters_of(flow: Flow) -> TransactionParameters:
    return REQUEST if flow.template == "request" else NOTIFICATION


def parameters_for(
    flow_name: str, overrides: dict[str, TransactionParameters] | None = None
) -> TransactionParameters | None:
    """The parameters of a flow (``overrides`` first); None for signals, which expect no signals back
    and are never re-sent."""
    if overrides and flow_name in overrides:
        return overrides[flow_name]
    flow = BY_NAME.get(flow_name)
    return parameters_of(flow) if flow is not None else None
