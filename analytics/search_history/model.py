"""The entry record of a search history: its columns, URL classification and text clean-up.

Google's "My Activity" exports label each entry with a localized verb ("Searched for",
"Gesucht nach:", "Vous avez recherché", "... aufgerufen"), so the *kind* of an entry is read
from its URL, never from its title:

=========  ====================================================================
kind       URL
=========  ====================================================================
search     ``google.<tld>/search?q=...`` (the decoded ``q`` is the query)
visit      ``google.<tld>/url?q=<target>`` redirects, or any non-Google web page
view       ``google.<tld>/imgres`` image views, ``google.<tld>/maps`` places,
           ``google.<tld>/search`` without a query (knowledge panels)
other      no URL, a non-web URL, or any other Google page
=========  ====================================================================
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs, unquote_plus, urlsplit

__all__ = [
    "COLUMNS",
    "KINDS",
    "Classified",
    "classify_url",
    "clean_text",
    "domain_of",
    "is_google_host",
    "replace_huge_refs",
    "unescape",
]

#: Columns of the DataFrame returned by :func:`analytics.search_history.load_takeout`.
COLUMNS: tuple[str, ...] = (
    "timestamp_utc",
    "timestamp_local",
    "kind",
    "query",
    "title",
    "url",
    "domain",
    "tz_abbrev",
    "source_file",
    "format",
)

#: Entry kinds, in the order summaries list them.
KINDS: tuple[str, ...] = ("search", "visit", "view", "other")

# google.com, www.google.de, google.co.uk, google.com.au, encrypted.google.com, ...
_GOOGLE_HOST = re.compile(r"^(?:[a-z0-9-]+\.)*google\.(?:com?\.)?[a-z]{2,3}$")
# Every kind of space HTML exports use between words and in dates.
_SPACES = re.compile(r"[\s\u00a0\u202f\u2007\u2000-\u200a\u205f\u3000]+")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
# A decimal character reference of 8 or more significant digits is beyond U+10FFFF.
_HUGE_DECIMAL_REF = re.compile(r"&#0*[0-9]{8,};?")


def replace_huge_refs(text: str) -> str:
    """Replace decimal character references beyond U+10FFFF by U+FFFD (see :func:`unescape`)."""
    return _HUGE_DECIMAL_REF.sub("\ufffd", text) if "&#" in text else text


def unescape(text: str) -> str:
    """:func:`html.unescape`, safe on hostile input.

    A decimal reference beyond U+10FFFF becomes U+FFFD, as HTML5 says, instead of making
    Python convert a number of thousands of digits (which it refuses with a ValueError).

    Examples
    --------
    >>> unescape("caf&eacute; &#65; &#" + "9" * 5000 + ";")
    'café A \ufffd'
    """
    return html.unescape(replace_huge_refs(text))


@dataclass(frozen=True, slots=True)
class Classified:
    """What a URL says about an entry: its kind, query, target URL and domain."""

    kind: str
    query: str | None
    url: str | None
    domain: str | None


def clean_text(text: str | None) -> str:
    """Unescape HTML entities, turn every kind of space into one ASCII space, strip.

    Examples
    --------
    >>> clean_text("Searched\\u00a0for&nbsp;caf&eacute;\\u202f au lait ")
    'Searched for café au lait'
    """
    if not text:
        return ""
    if "&" in text:
        text = unescape(text)
    text = _ZERO_WIDTH.sub("", text)
    return _SPACES.sub(" ", text).strip()


def is_google_host(host: str) -> bool:
    """True for ``google.<tld>`` hosts and their sub-domains (``www.google.co.uk``)."""
    return bool(_GOOGLE_HOST.match(host.lower().rstrip(".")))


def domain_of(url: str | None) -> str | None:
    """Lower-cased host of ``url`` without a leading ``www.``; ``None`` if there is none.

    Examples
    --------
    >>> domain_of("https://WWW.Example.org:8080/a?b=c")
    'example.org'
    """
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return _strip_www(host)


def _strip_www(host: str) -> str:
    host = host.rstrip(".")
    return host[4:] if host.startswith("www.") else host


def _first(params: dict[str, list[str]], *names: str) -> str | None:
    for name in names:
        values = params.get(name)
        if values and values[0].strip():
            return values[0]
    return None


# The two shapes that make up nearly all of a search history, parsed without urllib.
_FAST_GOOGLE = re.compile(
    r"https?://(?:www\.)?(google\.(?:com?\.)?[a-z]{2,3})/(search|url)\?([^#]*)(?:#.*)?\Z"
)
_FAST_Q = re.compile(r"(?:^|&)q=([^&]*)")
_FAST_HOST = re.compile(r"https?://([A-Za-z0-9.-]+)(?:[/?#]|\Z)")


def _fast_classify(url: str) -> Classified | None:
    """Classify plain ``google.<tld>/search?q=`` and ``/url?q=`` URLs; None for others."""
    m = _FAST_GOOGLE.match(url)
    if m is None or "%" in m.group(1):
        return None
    q = _FAST_Q.search(m.group(3))
    if q is None or not q.group(1).strip():
        return None
    value = unquote_plus(q.group(1))
    if not value.strip():
        return None
    if m.group(2) == "search":
        return Classified("search", clean_text(value), url, m.group(1))
    h = _FAST_HOST.match(value)
    if h is None:
        return None
    return Classified("visit", None, value, _strip_www(h.group(1).lower()))


@lru_cache(maxsize=1 << 16)
def classify_url(url: str | None) -> Classified:
    """Classify one activity URL.

    Parameters
    ----------
    url : str or None
        The entry's URL (``titleUrl`` in JSON, the link in HTML), HTML entities allowed.

    Returns
    -------
    Classified
        ``kind`` in :data:`KINDS`; ``query`` the decoded search terms (searches only);
        ``url`` the target of redirects, else the URL itself; ``domain`` of that ``url``.

    Examples
    --------
    >>> classify_url("https://www.google.de/search?q=caf%C3%A9+au+lait&hl=de").query
    'café au lait'
    >>> c = classify_url("https://www.google.com/url?q=https://example.org/x%3Fa%3D1&usg=A")
    >>> c.kind, c.url, c.domain
    ('visit', 'https://example.org/x?a=1', 'example.org')
    """
    if not url:
        return Classified("other", None, None, None)
    url = unescape(url).strip() if "&amp;" in url else url.strip()
    fast = _fast_classify(url)
    if fast is not None:
        return fast
    return _slow_classify(url)


def _slow_classify(url: str) -> Classified:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return Classified("other", None, url, None)
    if parts.scheme not in ("http", "https") or not host:
        return Classified("other", None, url, None)
    own = _strip_www(host)
    if not is_google_host(host):
        return Classified("visit", None, url, own)
    path = parts.path.rstrip("/") or "/"
    params = parse_qs(parts.query, keep_blank_values=False)
    if path in ("/search", "/webhp", "/"):
        query = _first(params, "q", "as_q")
        if query is not None:
            return Classified("search", clean_text(query), url, own)
        if path == "/search":
            return Classified("view", None, url, own)
        return Classified("other", None, url, own)
    if path == "/url":
        target = _first(params, "q", "url")
        if target is not None and target.startswith(("http://", "https://")):
            return Classified("visit", None, target, domain_of(target))
        return Classified("other", None, url, own)
    if path == "/imgres":
        target = _first(params, "imgrefurl", "imgurl")
        if target is not None:
            return Classified("view", None, target, domain_of(target))
        return Classified("view", None, url, own)
    if path.startswith("/maps"):
        return Classified("view", None, url, own)
    return Classified("other", None, url, own)
