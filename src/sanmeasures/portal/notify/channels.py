"""Sending (Rules §31в): webhooks signed with HMAC-SHA256, e-mail through the node's SMTP server.

Webhook
    ``POST`` of a JSON body to the subscriber's URL with these headers:

    ``X-Sanmeasures-Event``      ``version`` (a new version of a matching record) or ``ping``
    ``X-Sanmeasures-Delivery``   the delivery's number: the same on every retry, so a receiver can
                                 recognise a repeat
    ``X-Sanmeasures-Timestamp``  Unix time of this attempt
    ``X-Sanmeasures-Signature``  ``sha256=`` + hex HMAC-SHA256 under the subscription's secret of
                                 ``<timestamp>.<body bytes>``

    The receiver recomputes the HMAC over the exact bytes received and compares in constant time,
    and refuses a timestamp too far from its clock (a replay); ``verify_signature`` does exactly that.
    Any 2xx answer is delivery; ``410 Gone`` ends the subscription; anything else, a timeout or a
    refused connection is tried again later. Redirects are not followed.

E-mail
    Plain text in the subscriber's language, with a one-click unsubscribe link in the body and in the
    ``List-Unsubscribe`` / ``List-Unsubscribe-Post`` headers (RFC 2369, RFC 8058). A 5xx answer of
    the server is final; a 4xx answer or a broken connection is tried again later.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import socket
import time
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Literal
from urllib.parse import unquote, urlsplit

import aiosmtplib
import httpx

from sanmeasures.portal.notify.model import private_ip

EVENT_HEADER = "X-Sanmeasures-Event"
DELIVERY_HEADER = "X-Sanmeasures-Delivery"
TIMESTAMP_HEADER = "X-Sanmeasures-Timestamp"
SIGNATURE_HEADER = "X-Sanmeasures-Signature"
#: HTTP headers are ASCII: "31v" is §31в.
USER_AGENT = "sanmeasures-subscriptions/1 (EEC Board Decision 24, Rules 31v)"
#: How far a receiver should let a timestamp be from its clock (seconds).
SIGNATURE_TOLERANCE = 300


@dataclass(frozen=True)
class Outcome:
    """What came of one attempt."""

    result: Literal["sent", "retry", "failed"]
    error: str | None = None
    #: the receiver asked to end the subscription (a webhook's 410 Gone)
    unsubscribe: bool = False


SENT = Outcome("sent")


# --- webhook ----------------------------------------------------------------------------------------------
def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Sanmeasures-Signature`` value of ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def verify_signature(
    secret: str,
    body: bytes,
    timestamp: str | None,
    signature: str | None,
    *,
    now: float | None = None,
    tolerance: int = SIGNATURE_TOLERANCE,
) -> bool:
    """A receiver's check: the signature is ours over these bytes, and the timestamp is recent."""
    if not timestamp or not signature or not timestamp.isdigit():
        return False
    moment = int(timestamp)
    if abs((time.time() if now is None else now) - moment) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, moment, body), signature)


async def _public_host(host: str) -> str | None:
    """Why ``host`` may not be posted to (it is or resolves to a private address), or None."""
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        return f"{host} is a local or private address" if private_ip(literal) else None
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError as error:
        return f"the host {host} does not resolve ({error})"
    for *_, address in found:
        if private_ip(ipaddress.ip_address(address[0])):
            return f"{host} resolves to the local or private address {address[0]}"
    return None


async def post_webhook(
    client: httpx.AsyncClient,
    url: str,
    secret: str,
    *,
    event: str,
    delivery_id: int,
    body: bytes,
    allow_private: bool,
) -> Outcome:
    """One signed POST; the outcome decides between done, later and never."""
    if not allow_private:
        refused = await _public_host(urlsplit(url).hostname or "")
        if refused is not None:
            return Outcome("retry", f"not posted: {refused}")
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        EVENT_HEADER: event,
        DELIVERY_HEADER: str(delivery_id),
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, timestamp, body),
    }
    try:
        response = await client.post(url, content=body, headers=headers)
    except httpx.TimeoutException:
        return Outcome("retry", "the receiver did not answer in time")
    except httpx.HTTPError as error:
        return Outcome("retry", f"{type(error).__name__}: {error}")
    if 200 <= response.status_code < 300:
        return SENT
    if response.status_code == 410:
        return Outcome("failed", "410 Gone: the receiver ended the subscription", unsubscribe=True)
    return Outcome("retry", f"HTTP {response.status_code} {response.reason_phrase}".strip())


# --- e-mail -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SmtpServer:
    """``smtp://host:port`` (STARTTLS when offered), ``smtp+starttls://`` (STARTTLS required) or
    ``smtps://`` (TLS from the start), with optional ``user:password@``."""

    hostname: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool
    start_tls: bool | None

    @classmethod
    def parse(cls, url: str) -> SmtpServer:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("smtp", "smtps", "smtp+starttls") or not parts.hostname:
            raise ValueError(
                f"the SMTP URL must be smtp://host:port, smtp+starttls:// or smtps://, not {url!r}"
            )
        default_port = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}[scheme]
        return cls(
            hostname=parts.hostname,
            port=parts.port or default_port,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            use_tls=scheme == "smtps",
            start_tls=True if scheme == "smtp+starttls" else None,
        )


async def send_mail(smtp_url: str | None, message: EmailMessage, *, timeout: float) -> Outcome:
    if smtp_url is None:
        return Outcome("retry", "no SMTP server is configured (SANMEASURES_SMTP_URL)")
    try:
        server = SmtpServer.parse(smtp_url)
    except ValueError as error:
        return Outcome("retry", str(error))
    try:
        await aiosmtplib.send(
            message,
            hostname=server.hostname,
            port=server.port,
            username=server.username,
            password=server.password,
            use_tls=server.use_tls,
            start_tls=server.start_tls,
            timeout=timeout,
        )
    except aiosmtplib.SMTPRecipientsRefused as error:
        codes = [refused.code for refused in error.recipients]
        text = "; ".join(f"{r.code} {r.message}" for r in error.recipients)
        return Outcome("failed" if all(code >= 500 for code in codes) else "retry", f"refused: {text}")
    except aiosmtplib.SMTPResponseException as error:
        # Refusing our login or our sender is the node's configuration, not the subscriber's address:
        # tried again (the operator may fix it); a refused message is final.
        ours = isinstance(error, aiosmtplib.SMTPAuthenticationError | aiosmtplib.SMTPSenderRefused)
        final = error.code >= 500 and not ours
        return Outcome("failed" if final else "retry", f"SMTP {error.code} {error.message}")
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
        return Outcome("retry", f"{type(error).__name__}: {error}")
    return SENT
