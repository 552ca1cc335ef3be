"""Streamlit dashboard (app.py + pages) and plotly figure builders (figures.py)."""
