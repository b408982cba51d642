"""Subscriptions of the portal (Rules §31в, §31а): saved searches and risk notices, sent as they come.

    model.py     what a subscription is: scope, channel, address; creating, confirming, ending
    matching.py  new versions → one delivery per matching subscription, exactly once
    content.py   what a delivered version says (published columns only)
    channels.py  webhook (HMAC-SHA256 signed POST) and SMTP sending
    mail.py      the e-mails, with one-click unsubscribe (RFC 8058)
    atom.py      the Atom 1.0 feed of a subscription
    worker.py    the background loop (``portal.WORKERS``: ``notify:worker``)

The pages and the JSON API are in ``portal/subscriptions.py``.
"""

from sanmeasures.portal.notify.config import NotifyConfig
from sanmeasures.portal.notify.worker import Notifier, worker

__all__ = ["Notifier", "NotifyConfig", "worker"]
