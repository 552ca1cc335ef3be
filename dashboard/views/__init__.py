"""Pages of the dashboard (run by ``dashboard/app.py`` through ``st.navigation``)."""
