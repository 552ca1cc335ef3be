"""riskcast dashboard: ``streamlit run dashboard/app.py`` (or ``riskcast dashboard``).

Four pages: Target risk, Forecast, Search history, Online regression.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent

st.set_page_config(page_title="riskcast", page_icon="🎯", layout="wide")

PAGES = [
    st.Page(HERE / "pages" / "1_target_risk.py", title="Target risk", icon="🎯", default=True),
    st.Page(HERE / "pages" / "2_forecast.py", title="Forecast", icon="📈"),
    st.Page(HERE / "pages" / "3_search_history.py", title="Search history", icon="🔎"),
    st.Page(HERE / "pages" / "4_online_regression.py", title="Online regression", icon="📉"),
]

st.navigation(PAGES).run()
