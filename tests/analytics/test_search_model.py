"""URL classification and text clean-up of search-history entries."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.search_history.model import classify_url, clean_text, domain_of, is_google_host


@pytest.mark.parametrize(
    ("url", "kind", "query", "target", "domain"),
    [
        (
            "https://www.google.com/search?q=weather+paris",
            "search",
            "weather paris",
            "https://www.google.com/search?q=weather+paris",
            "google.com",
        ),
        (
            "https://www.google.de/search?q=k%C3%A4se&hl=de&source=hp",
            "search",
            "käse",
            "https://www.google.de/search?q=k%C3%A4se&hl=de&source=hp",
            "google.de",
        ),
        (
            "https://www.google.co.uk/search?q=c%2B%2B+tutorial",
            "search",
            "c++ tutorial",
            "https://www.google.co.uk/search?q=c%2B%2B+tutorial",
            "google.co.uk",
        ),
        (
            "https://www.google.com.au/search?q=tom+%26+jerry",
            "search",
            "tom & jerry",
            "https://www.google.com.au/search?q=tom+%26+jerry",
            "google.com.au",
        ),
        (
            "https://www.google.com/url?q=https://example.org/page%3Fid%3D7&usg=AOvVaw0",
            "visit",
            None,
            "https://example.org/page?id=7",
            "example.org",
        ),
        (
            "https://www.google.fr/url?url=https://exemple.fr/a&sa=t",
            "visit",
            None,
            "https://exemple.fr/a",
            "exemple.fr",
        ),
        ("https://example.com/", "visit", None, "https://example.com/", "example.com"),
        (
            "https://www.google.com/imgres?imgurl=https://i.example.net/a.jpg"
            "&imgrefurl=https://photos.example.net/al",
            "view",
            None,
            "https://photos.example.net/al",
            "photos.example.net",
        ),
        (
            "https://www.google.com/maps/place/Somewhere",
            "view",
            None,
            "https://www.google.com/maps/place/Somewhere",
            "google.com",
        ),
        (
            "https://www.google.com/search?kgmid=/m/0abc",
            "view",
            None,
            "https://www.google.com/search?kgmid=/m/0abc",
            "google.com",
        ),
        (
            "https://www.google.com/preferences",
            "other",
            None,
            "https://www.google.com/preferences",
            "google.com",
        ),
        ("android-app://com.example", "other", None, "android-app://com.example", None),
        (None, "other", None, None, None),
        ("", "other", None, None, None),
    ],
)
def test_classify_url(url, kind, query, target, domain) -> None:
    c = classify_url(url)
    assert (c.kind, c.query, c.url, c.domain) == (kind, query, target, domain)


def test_classify_url_unescapes_html_entities_in_links() -> None:
    c = classify_url("https://www.google.com/search?q=tom&amp;hl=en")
    assert (c.kind, c.query) == ("search", "tom")


def test_a_redirect_to_a_non_web_target_is_not_a_visit() -> None:
    assert classify_url("https://www.google.com/url?q=javascript:alert(1)").kind == "other"


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("google.com", True),
        ("www.google.de", True),
        ("www.google.co.uk", True),
        ("www.google.com.br", True),
        ("encrypted.google.com", True),
        ("google.example.com", False),
        ("notgoogle.com", False),
        ("googleusercontent.com", False),
    ],
)
def test_is_google_host(host: str, expected: bool) -> None:
    assert is_google_host(host) is expected


def test_clean_text_normalizes_every_space_and_entity() -> None:
    raw = "Searched\u00a0for&nbsp;caf&eacute;\u202fau\u2003lait&#8239;&amp; co\u200b "
    assert clean_text(raw) == "Searched for café au lait & co"


def test_domain_of_strips_www_port_and_case() -> None:
    assert domain_of("https://WWW.Example.org:8080/x") == "example.org"
    assert domain_of("not a url") is None
    assert domain_of(None) is None


# The fast path must agree with the urllib-based classification wherever it answers.
_TRICKY = [
    "https://www.google.com/search?q=+",
    "https://www.google.com/search?q=&q=second",
    "https://www.google.com/search?hl=en&q=a%26b#frag",
    "https://google.de/search?q=%E2%82%AC+100",
    "https://www.google.com/url?q=https://user@host.example/x",
    "https://www.google.com/url?q=https://Host.Example:8080/x",
    "https://www.google.com/url?q=https://www.example.org.&sa=U",
    "https://www.google.com/url?q=ftp://example.org/",
    "https://www.google.com/url?q=https://ex%41mple.org/",
    "https://www.google.co.uk/search?q=%ZZ",
]


@pytest.mark.parametrize("url", _TRICKY)
def test_fast_path_agrees_with_urllib_on_tricky_urls(url: str) -> None:
    from analytics.search_history.model import _fast_classify, _slow_classify

    fast = _fast_classify(url)
    assert fast is None or fast == _slow_classify(url)
    assert classify_url(url) == _slow_classify(url)


@given(
    query=st.text(min_size=0, max_size=30),
    tld=st.sampled_from(["com", "de", "co.uk", "com.br", "fr"]),
    path=st.sampled_from(["search", "url"]),
    extra=st.sampled_from(["", "&hl=en", "&usg=AOv", "#frag", "&q=dup"]),
    plus=st.booleans(),
)
@settings(max_examples=300, deadline=None)
def test_fast_path_agrees_with_urllib(query: str, tld: str, path: str, extra: str, plus: bool):
    from urllib.parse import quote, quote_plus

    from analytics.search_history.model import _fast_classify, _slow_classify

    value = ("https://" + query) if path == "url" else query
    encoded = quote_plus(value) if plus else quote(value, safe=":/")
    url = f"https://www.google.{tld}/{path}?q={encoded}{extra}"
    fast = _fast_classify(url)
    assert fast is None or fast == _slow_classify(url)
