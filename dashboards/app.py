"""Sales KPI dashboards: `streamlit run dashboards/app.py` (or `python3 scripts/dev.py dashboard`).

Reads the published warehouse named by SALES_KPIS_WAREHOUSE (default warehouse/sales_kpis.duckdb) read-only.
One page per dashboard of the KPI catalogue; each page has a dbt exposure (models/marts/*/_*__exposures.yml)
whose url is http://localhost:8501/<url_path> below.
"""

from __future__ import annotations

import streamlit as st

# (file in pages/, title, url_path): the exposures' urls and the browser tests follow this list
PAGES = [
    ("state_of_the_union.py", "State of the union", "state_of_the_union"),
    ("pipeline.py", "Pipeline per rep", "pipeline"),
    ("activities.py", "Team activities", "activities"),
    ("performance.py", "Performance by region, account and product", "performance"),
    ("stage_analysis.py", "Stage analysis", "stage_analysis"),
    ("leaderboards.py", "Leaderboards", "leaderboards"),
    ("customers.py", "Customers", "customers"),
    ("crm_integrity.py", "CRM integrity", "crm_integrity"),
]

if __name__ == "__main__":
    st.set_page_config(page_title="Sales KPIs", layout="wide")
    navigation = st.navigation(
        [
            st.Page(f"pages/{file}", title=title, url_path=url_path, default=i == 0)
            for i, (file, title, url_path) in enumerate(PAGES)
        ]
    )
    navigation.run()
