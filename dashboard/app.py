"""riskcast dashboard: ``streamlit run dashboard/app.py`` (or ``riskcast dashboard``).

Four pages, each at its own address: Target risk (``/target``, where the root address
``/`` leads), Forecast (``/forecast``), Search history (``/search``) and Online
regression (``/online``).

Two things made ``/target`` an unknown address ("Page not found") before. Streamlit
serves its default page at ``/`` and ignores that page's ``url_path``: here the default
page is a hidden one that only switches to the Target page, a normal page with its own
address. And a folder named ``pages/`` beside this script switches a fresh server into
Streamlit's older multipage mode for its first session (pages named after the files:
``/target_risk``, ``/forecast``...), so the page scripts live in ``views/``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent

st.set_page_config(page_title="riskcast", page_icon=":material/track_changes:", layout="wide")

TARGET = st.Page(
    HERE / "views" / "1_target_risk.py",
    title="Target risk",
    icon=":material/track_changes:",
    url_path="target",
)


def _home() -> None:
    """The root address: open the Target page (its address, ``/target``, shows in the bar)."""
    st.switch_page(TARGET)


PAGES = [
    st.Page(_home, title="riskcast", url_path="home", default=True, visibility="hidden"),
    TARGET,
    st.Page(
        HERE / "views" / "2_forecast.py",
        title="Forecast",
        icon=":material/trending_up:",
        url_path="forecast",
    ),
    st.Page(
        HERE / "views" / "3_search_history.py",
        title="Search history",
        icon=":material/manage_search:",
        url_path="search",
    ),
    st.Page(
        HERE / "views" / "4_online_regression.py",
        title="Online regression",
        icon=":material/scatter_plot:",
        url_path="online",
    ),
]

st.navigation(PAGES).run()
