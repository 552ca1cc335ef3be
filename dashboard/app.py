"""riskcast dashboard: ``streamlit run dashboard/app.py`` (or ``riskcast dashboard``).

Four pages: Target risk, Forecast, Search history, Online regression.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent

st.set_page_config(page_title="riskcast", page_icon=":material/track_changes:", layout="wide")

PAGES = [
    st.Page(
        HERE / "pages" / "1_target_risk.py",
        title="Target risk",
        icon=":material/track_changes:",
        url_path="target",
        default=True,
    ),
    st.Page(
        HERE / "pages" / "2_forecast.py",
        title="Forecast",
        icon=":material/trending_up:",
        url_path="forecast",
    ),
    st.Page(
        HERE / "pages" / "3_search_history.py",
        title="Search history",
        icon=":material/manage_search:",
        url_path="search",
    ),
    st.Page(
        HERE / "pages" / "4_online_regression.py",
        title="Online regression",
        icon=":material/scatter_plot:",
        url_path="online",
    ),
]

st.navigation(PAGES).run()
