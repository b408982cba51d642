"""Fixtures of the portal tests: a database of published content (``published.py``)."""

from tests.portal.published import portal, published_url  # noqa: F401
