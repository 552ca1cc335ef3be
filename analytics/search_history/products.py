"""Which entries of a Takeout are Google Search activity: by product, then by folder.

A Takeout's "My Activity" holds one file per product (Search, Ads, Assistant, YouTube,
Discover, ...), and their entries look alike: Ads entries are clicks through
``google.com/url`` redirects, Assistant entries are voice commands with
``google.com/search`` URLs. So the URL says nothing about the product; the entry does:
``products`` (JSON) and ``header`` (JSON and HTML) name it, in the account's language.

The rule, entry by entry:

1. An entry that names a Search product (:data:`SEARCH_PRODUCTS`, any language) is kept.
2. An entry that names only other products is set aside, counted under the first product
   it names (``"Ads"``, ``"Assistant"``, ...).
3. An entry that names no product is kept when the file is given explicitly, when other
   entries of its file name Search, when the file sits in a folder named after Search
   ("My Activity/Search", "Meine Aktivitäten/Suche"), or, in a file that names no product
   at all, when a quarter of its entries are Google searches or result redirects (old
   exports); else it is set aside as ``"unnamed product"``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import PurePosixPath

from analytics.search_history.json_reader import RawEntry
from analytics.search_history.model import classify_url, is_google_host

__all__ = ["SEARCH_PRODUCTS", "UNNAMED", "select_search"]

#: Product names of Google Search in the "header"/"products" fields and folder names,
#: lower-cased.
SEARCH_PRODUCTS = frozenset(
    "search|google search|suche|google suche|google-suche|recherche|recherche google|"
    "búsqueda|busqueda|búsqueda de google|ricerca|ricerca google|pesquisa|pesquisa google|"
    "zoeken|google zoeken|wyszukiwarka|sök|søk|søgning|haku|arama|поиск|検索|搜索|"
    "การค้นหา|ค้นหา".split("|")
)
#: The set-aside key of entries without a product in files that are not Search activity.
UNNAMED = "unnamed product"


def _named(e: RawEntry) -> tuple[bool, str | None]:
    """``(is search, first product named)``; ``(False, None)`` when none is named."""
    names = [p for p in e.products if p.strip()] or ([e.header] if e.header.strip() else [])
    if any(n.strip().casefold() in SEARCH_PRODUCTS for n in names):
        return True, names[0]
    return False, (names[0].strip() if names else None)


def _search_folder(source: str) -> bool:
    """True when a folder of ``source`` (a path, ``zip!member`` too) is named after Search."""
    parts = PurePosixPath(source.replace("!", "/")).parts[:-1]
    return any(p.casefold() in SEARCH_PRODUCTS for p in parts)


def _google_activity(entries: list[RawEntry]) -> bool:
    """True when at least a quarter of the first 2,000 entries are Google searches/redirects."""
    sample = entries[:2000]
    n_google = 0
    for e in sample:
        if e.url is not None:
            c = classify_url(e.url)
            if c.kind == "search" or (c.kind == "visit" and is_google_host(_host(e.url))):
                n_google += 1
    return n_google >= max(1, 0.25 * len(sample))


def _host(url: str) -> str:
    """Host part of ``url`` (cheap, for the Google-redirect test)."""
    rest = url.split("://", 1)[-1]
    return rest.split("/", 1)[0].split("?", 1)[0].split(":", 1)[0]


def select_search(
    entries: list[RawEntry], source: str, *, explicit: bool
) -> tuple[list[RawEntry], Counter[str]]:
    """Keep the Search entries of one file (see the module docstring for the rule).

    Parameters
    ----------
    entries : list of RawEntry
        The entries of one file, in file order.
    source : str
        The file's display name (its folders are the folder evidence).
    explicit : bool
        The user named this very file.

    Returns
    -------
    kept : list of RawEntry
        In file order.
    set_aside : collections.Counter
        Entries left out, by the product they name.
    """
    flags: list[bool | None] = []
    aside: Counter[str] = Counter()
    any_search = any_named = False
    for e in entries:
        search, product = _named(e)
        if search:
            flags.append(True)
            any_search = any_named = True
        elif product is not None:
            flags.append(False)
            aside[product] += 1
            any_named = True
        else:
            flags.append(None)
    n_unnamed = flags.count(None)
    keep_unnamed = bool(n_unnamed) and (
        explicit
        or any_search
        or _search_folder(source)
        or (not any_named and _google_activity(entries))
    )
    if n_unnamed and not keep_unnamed:
        aside[UNNAMED] += n_unnamed
    kept = [e for e, f in zip(entries, flags, strict=True) if f or (f is None and keep_unnamed)]
    return kept, aside
