"""What is wrong with a document, said so that a national integrator can fix it.

Every problem becomes an :class:`Issue`: which table item (``T3/7.6.4.3``),
where (XPath and line), which rule, in Russian and English, and the paragraph
of the regulation where one applies. A document's issues are all collected,
never only the first.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from pydantic_core import PydanticCustomError

Stage = Literal["xml", "xsd", "model", "rule"]


@dataclass(frozen=True)
class Rule:
    """A named rule with its bilingual message templates (``str.format`` fields from the context)."""

    code: str
    ru: str
    en: str
    paragraph: str | None = None  # e.g. "Приложение 2, таблица 1, п. 3" / "Rules §17"

    def render(self, context: dict[str, Any]) -> tuple[str, str]:
        safe = _SafeFormat(context)
        return self.ru.format_map(safe), self.en.format_map(safe)


class _SafeFormat(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


RULES: dict[str, Rule] = {}


def rule(code: str, ru: str, en: str, paragraph: str | None = None) -> Rule:
    """Declare a rule once (module level); its code is the pydantic error type it raises."""
    if code in RULES:
        raise ValueError(f"rule {code!r} declared twice")
    RULES[code] = declared = Rule(code, ru, en, paragraph)
    return declared


def violation(broken: Rule, *, field: str | None = None, **context: Any) -> PydanticCustomError:
    """The error a validator raises; ``field`` points at the offending child of the model."""
    if field is not None:
        context["field"] = field
    return PydanticCustomError(broken.code, broken.en, context)


@dataclass
class Issue:
    """One problem in a document."""

    stage: Stage
    rule: str
    message_ru: str
    message_en: str
    xpath: str | None = None
    line: int | None = None
    item: str | None = None
    item_name_ru: str | None = None
    paragraph: str | None = None
    value: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if not data["details"]:
            data.pop("details")
        return {k: v for k, v in data.items() if v is not None}

    def one_line(self) -> str:
        where = self.xpath or "/"
        if self.line:
            where += f" (line {self.line})"
        item = f" [{self.item}]" if self.item else ""
        paragraph = f" — {self.paragraph}" if self.paragraph else ""
        return f"{where}{item}: {self.message_en} / {self.message_ru} ({self.rule}){paragraph}"


class DocumentRejected(Exception):
    """Raised by the codec's strict entry points; carries every issue of the document."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("; ".join(issue.one_line() for issue in issues[:5]))
