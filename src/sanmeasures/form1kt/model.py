"""The content of form 1KT «Сведения о мероприятиях по санитарной охране таможенной территории
Евразийского экономического союза» (Appendix 4 to the Order of sanitary control, CU Commission
Decision No. 299 of 28.05.2010; Rules §7з, §31ж, §33, §44).

The form is annual, sent by the heads of the authorized bodies to the Commission by 15 February
of the following year. Its heading gives the authorized body's name and postal address; its table
has numbered lines (one measure of sanitary protection each) and eight columns: arrivals to and
departures from the customs territory of the Union by air, water, rail and road transport.

Field names and their Russian names:

===================  =====================================================================
``authority_name``   Наименование уполномоченного органа
``postal_address``   Почтовый адрес
``lines``            Строки формы (N строки, показатель, прибытие, убытие)
``line_number``      N строки
``indicator``        Наименование показателя — мероприятие по санитарной охране
``arrival``          Прибытие на таможенную территорию Евразийского экономического союза
``departure``        Убытие с таможенной территории Евразийского экономического союза
``air``              воздушный транспорт
``water``            водный транспорт
``rail``             железнодорожный транспорт
``road``             автомобильный транспорт
``note``             Примечание
===================  =====================================================================

The wording of the lines is the authority's, as on its paper form: the node keeps the lines as
given and totals them by line number across the member states.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

Count = Annotated[int, Field(ge=0, le=999_999_999)]
TRANSPORT_KINDS: dict[str, str] = {
    "air": "воздушный транспорт",
    "water": "водный транспорт",
    "rail": "железнодорожный транспорт",
    "road": "автомобильный транспорт",
}


class TransportCounts(BaseModel):
    """Four columns, one per kind of transport (воздушный, водный, железнодорожный, автомобильный)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    air: Count = Field(0, description="воздушный транспорт")
    water: Count = Field(0, description="водный транспорт")
    rail: Count = Field(0, description="железнодорожный транспорт")
    road: Count = Field(0, description="автомобильный транспорт")

    def __add__(self, other: TransportCounts) -> TransportCounts:
        return TransportCounts(
            air=self.air + other.air,
            water=self.water + other.water,
            rail=self.rail + other.rail,
            road=self.road + other.road,
        )

    @property
    def total(self) -> int:
        return self.air + self.water + self.rail + self.road


class Form1KTLine(BaseModel):
    """One line of the table: a measure of sanitary protection, counted on arrival and on departure."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    line_number: int = Field(ge=1, le=999, description="N строки")
    indicator: str = Field(min_length=1, max_length=500, description="Наименование показателя (мероприятие)")
    arrival: TransportCounts = Field(
        default_factory=TransportCounts,
        description="Прибытие на таможенную территорию Евразийского экономического союза",
    )
    departure: TransportCounts = Field(
        default_factory=TransportCounts,
        description="Убытие с таможенной территории Евразийского экономического союза",
    )


class Form1KT(BaseModel):
    """Form 1KT of one authorized body for one year."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    authority_name: str = Field(
        min_length=1, max_length=300, description="Наименование уполномоченного органа"
    )
    postal_address: str = Field(min_length=1, max_length=500, description="Почтовый адрес")
    lines: list[Form1KTLine] = Field(default_factory=list, description="Строки формы")
    note: str | None = Field(None, max_length=4000, description="Примечание")

    @model_validator(mode="after")
    def _line_numbers_unique(self) -> Any:
        numbers = [line.line_number for line in self.lines]
        repeated = sorted({n for n in numbers if numbers.count(n) > 1})
        if repeated:
            raise ValueError(f"line numbers must be unique (N строки); repeated: {repeated}")
        return self
