"""The JSON API under an OpenAPI-driven fuzz run (schemathesis): no input makes the node fail.

Every read endpoint of the portal and the contract (Rules §31б search and export, §31г classifiers,
§31е statistics, §31з status check) and document validation get generated parameters, valid and
invalid; the node must answer every one with a 2xx or a clear 4xx, never a 5xx. Runs against the
published-content database on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hypothesis
import schemathesis

from sanmeasures.settings import Settings
from tests.portal.published import live_node

#: Operations that change the node or send mail are proven by their own tests, not fuzzed here.
_WRITES = ("POST /api/v1/messages", "POST /api/v1/subscriptions", "DELETE /api/v1/subscriptions")


def _schema(base_url: str) -> schemathesis.BaseSchema:
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    return schema.exclude(
        func=lambda ctx: (
            any(f"{ctx.operation.method.upper()} {ctx.operation.path}".startswith(w) for w in _WRITES)
            or "/cabinet/" in ctx.operation.path
        )
    )


def test_no_generated_request_makes_a_server_error(published_url: str) -> None:
    with live_node(Settings(database_url=published_url, exchange=False, database_pool=2)) as base_url:
        _fuzz(base_url)


def _fuzz(base_url: str) -> None:
    schema = _schema(base_url)
    failures: list[str] = []
    answered: set[int] = set()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 10
    for operation in operations:

        @hypothesis.settings(
            max_examples=25,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
        @hypothesis.given(case=operation.as_strategy())
        def fuzz(case: schemathesis.Case) -> None:
            response = case.call(timeout=30)
            answered.add(response.status_code)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} {case.query}: {response.status_code}")

        try:
            fuzz()
        except Exception as error:  # a server exception reaches the ASGI client: one failure per operation
            failures.append(f"{operation.method.upper()} {operation.path}: {error!r}"[:400])
    assert failures == [], "\n".join(failures[:20])
    assert {200, 404, 422} <= answered  # the run reached the node: found, not found and refused inputs
