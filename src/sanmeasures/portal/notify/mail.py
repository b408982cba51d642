"""The e-mails of subscriptions (Rules §31в), in the subscriber's language.

Every message carries the one-click unsubscribe link twice: in the text, and in the
``List-Unsubscribe`` header with ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058),
so a mail program can offer its own "unsubscribe" button that POSTs to it.
"""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit

from sanmeasures.portal import i18n
from sanmeasures.portal.notify.content import Entry, scope_text
from sanmeasures.portal.notify.model import Subscription
from sanmeasures.settings import Settings

SUBJECT_MAX = 180


def links(settings: Settings, token: str) -> dict[str, str]:
    """The subscriber's links: confirm, unsubscribe, manage, feed."""
    base = settings.public_url.rstrip("/")
    return {
        "confirm": f"{base}/subscriptions/confirm/{token}",
        "unsubscribe": f"{base}/subscriptions/unsubscribe/{token}",
        "page": f"{base}/subscriptions/{token}",
        "feed": f"{base}/subscriptions/{token}/feed.atom",
    }


def _message(
    subscription: Subscription,
    settings: Settings,
    subject: str,
    body: str,
    *,
    now: dt.datetime,
    delivery_id: int,
) -> EmailMessage:
    assert subscription.address is not None
    host = urlsplit(settings.public_url).hostname or "localhost"
    unsubscribe = links(settings, subscription.token)["unsubscribe"]
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = subscription.address
    message["Subject"] = subject if len(subject) <= SUBJECT_MAX else subject[: SUBJECT_MAX - 1] + "…"
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(f"subscription-{subscription.id}-{delivery_id}", domain=host)
    message["List-Id"] = f"<subscriptions.{host}>"
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = subscription.language
    message.set_content(body)
    return message


def confirmation_message(
    subscription: Subscription, settings: Settings, *, now: dt.datetime, delivery_id: int
) -> EmailMessage:
    """Double opt-in: nothing else goes to the address until its owner follows the link."""
    _ = i18n.translations(subscription.language).gettext
    link = links(settings, subscription.token)
    body = "\n".join(
        [
            _(
                "Someone, probably you, asked the portal of sanitary measures of the Eurasian Economic Union"
                " to send notices to this address about:"
            ),
            f"    {scope_text(subscription.scope, _, subscription.language)}",
            "",
            _("To start receiving them (Rules §31в), confirm the subscription:"),
            f"    {link['confirm']}",
            "",
            _("If you did not ask for it, ignore this message: nothing more will be sent to you."),
            "",
            "-- ",
            _("Unsubscribe") + f": {link['unsubscribe']}",
        ]
    )
    subject = _("Confirm your subscription to notices on sanitary measures")
    return _message(subscription, settings, subject, body + "\n", now=now, delivery_id=delivery_id)


def version_message(
    subscription: Subscription, entry: Entry, settings: Settings, *, now: dt.datetime, delivery_id: int
) -> EmailMessage:
    """One new version of a record the subscription covers."""
    lang = subscription.language
    _ = i18n.translations(lang).gettext
    link = links(settings, subscription.token)
    lines = [entry.title(_, lang), ""]
    if entry.changed_on is not None:
        lines.append(_("Date") + f": {entry.changed_on.isoformat()}")
    summary = entry.summary(_, lang)
    if summary:
        lines += [summary, ""]
    lines += [
        _("Details") + f": {settings.public_url.rstrip('/')}{entry.path}",
        "",
        "-- ",
        _("You receive this because you subscribed to") + f": {scope_text(subscription.scope, _, lang)}",
        _("Unsubscribe in one click") + f": {link['unsubscribe']}",
    ]
    resource = _(entry.resource.title)
    subject = f"{resource}: {entry.country} {entry.headline} — {entry.change_name(_, lang)}"
    return _message(
        subscription, settings, subject, "\n".join(lines) + "\n", now=now, delivery_id=delivery_id
    )
