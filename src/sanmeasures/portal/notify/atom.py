"""The Atom 1.0 feed of a subscription (RFC 4287; Rules §31в): the latest versions delivered to it.

Entry ids are ``tag:`` URIs (RFC 4151) naming the version, so a feed reader shows each version once
however often it fetches; ``updated`` is when the version was recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from urllib.parse import urlsplit

from lxml import etree

from sanmeasures.portal import i18n
from sanmeasures.portal.notify.content import Entry, scope_text
from sanmeasures.portal.notify.model import Subscription
from sanmeasures.settings import Settings

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
#: Entries in the feed, newest first.
FEED_SIZE = 50
#: The date in the tag URIs: the Rules' date (EEC Board Decision No. 24 of 11 February 2020).
TAG_DATE = "2020-02-11"


def _tag(settings: Settings, specific: str) -> str:
    host = urlsplit(settings.public_url).hostname or "localhost"
    return f"tag:{host},{TAG_DATE}:{specific}"


def _time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def feed(subscription: Subscription, entries: Sequence[Entry], settings: Settings, *, self_url: str) -> bytes:
    """The feed document: ``entries`` newest first."""
    lang = subscription.language
    _ = i18n.translations(lang).gettext
    base = settings.public_url.rstrip("/")

    def sub(parent: etree._Element, name: str, text: str | None = None, **attributes: str) -> etree._Element:
        element = etree.SubElement(parent, f"{{{ATOM}}}{name}", attributes)
        if text is not None:
            element.text = text
        return element

    root = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    root.set(XML_LANG, lang)
    sub(root, "id", _tag(settings, f"subscription/{subscription.id}"))
    sub(root, "title", scope_text(subscription.scope, _, lang))
    sub(
        root,
        "subtitle",
        _("Notices of the portal of sanitary measures of the Eurasian Economic Union (Rules §31в)"),
    )
    newest = max((entry.recorded_at for entry in entries), default=subscription.created_at)
    sub(root, "updated", _time(newest))
    sub(root, "link", rel="self", href=self_url, type="application/atom+xml")
    first = subscription.scope.resources[0]
    sub(root, "link", rel="alternate", href=base + subscription.scope.list_path(first), type="text/html")
    author = sub(root, "author")
    sub(author, "name", _("EAEU sanitary measures"))
    sub(author, "uri", base + "/")
    sub(root, "generator", "sanmeasures")
    for entry in entries:
        element = sub(root, "entry")
        sub(element, "id", _tag(settings, f"{entry.resource.name}/version/{entry.version_id}"))
        sub(element, "title", entry.title(_, lang))
        sub(element, "updated", _time(entry.recorded_at))
        sub(element, "link", rel="alternate", href=base + entry.path, type="text/html")
        sub(element, "category", term=entry.resource.name, label=_(entry.resource.title))
        summary = entry.summary(_, lang) or entry.title(_, lang)
        sub(element, "summary", summary, type="text")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
