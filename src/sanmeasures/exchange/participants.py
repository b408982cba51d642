"""Participants of the common processes (Rules §5) and their ids in the system.

``authority:KZ`` — the authorized body of a member state; ``supervisory:KZ:<code>`` — one of its
supervisory bodies; ``commission`` — the Eurasian Economic Commission.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from sanmeasures.contract.classifiers import MEMBER_STATE_CODES

Role = Literal["authority", "supervisory", "commission"]
COMMISSION = "commission"
_ID = re.compile(
    r"^(?:(?P<authority>authority):(?P<a_country>[A-Z]{2})"
    r"|(?P<supervisory>supervisory):(?P<s_country>[A-Z]{2}):(?P<code>[A-Za-z0-9_-]{1,40})"
    r"|(?P<commission>commission))$"
)


class UnknownParticipant(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Participant:
    id: str
    role: Role
    country: str | None = None  # None for the Commission
    code: str | None = None  # a supervisory body's own code

    @classmethod
    def parse(cls, text: str) -> Participant:
        match = _ID.match(text)
        if match is None:
            raise UnknownParticipant(
                f"{text!r} is not a participant id (authority:XX, supervisory:XX:<code>, commission)"
            )
        country = match.group("a_country") or match.group("s_country")
        if country is not None and country not in MEMBER_STATE_CODES:
            raise UnknownParticipant(f"{text!r}: {country} is not a member state (AM, BY, KZ, KG, RU)")
        if match.group("authority"):
            return cls(text, "authority", country)
        if match.group("supervisory"):
            return cls(text, "supervisory", country, match.group("code"))
        return cls(text, "commission")


def authority(country: str) -> str:
    return f"authority:{country}"


#: The participants of the reference deployment (deploy/, the embedded demo): the five authorized
#: bodies, the Commission and one supervisory body per member state (Rules §5).
REFERENCE_DEPLOYMENT: tuple[str, ...] = (
    "authority:AM",
    "authority:BY",
    "authority:KG",
    "authority:KZ",
    "authority:RU",
    "commission",
    "supervisory:AM:01",
    "supervisory:BY:01",
    "supervisory:KG:01",
    "supervisory:KZ:01",
    "supervisory:RU:01",
)

#: The authorized bodies' full names (Table 1 item 12, the authorities of Rules §36), for the
#: documents a node writes on their behalf.
AUTHORITY_NAMES = {
    "AM": "Инспекционный орган по безопасности пищевых продуктов Республики Армения",
    "BY": "Министерство здравоохранения Республики Беларусь",
    "KZ": "Комитет санитарно-эпидемиологического контроля Министерства здравоохранения Республики Казахстан",
    "KG": "Департамент профилактики заболеваний и госсанэпиднадзора Министерства здравоохранения Кыргызской "
    "Республики",
    "RU": "Федеральная служба по надзору в сфере защиты прав потребителей и благополучия человека",
}
