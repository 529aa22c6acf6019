"""The README's KPI table is the one scripts/kpi_table.py renders from the models, and covers the catalogue."""

from __future__ import annotations

import copy

import kpi_table
import pytest
from conftest import PROJECT_DIR


@pytest.fixture(scope="module")
def manifest() -> dict:
    return kpi_table.parse_manifest()


@pytest.fixture(scope="module")
def catalogue() -> dict[str, str]:
    return kpi_table.read_catalogue(kpi_table.find_catalogue())


def test_readme_table_is_the_rendered_one(manifest: dict, catalogue: dict[str, str]) -> None:
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    problem = kpi_table.readme_problem(readme, kpi_table.render(manifest, catalogue))
    assert problem is None, problem


def test_every_catalogue_kpi_has_a_column(manifest: dict, catalogue: dict[str, str]) -> None:
    assert len(catalogue) == 37
    missing = kpi_table.missing_kpis(catalogue, kpi_table.kpi_measures(manifest))
    assert missing == [], f"KPIs of the catalogue without a column carrying meta.kpi_id: {missing}"


def test_an_edited_or_unmarked_readme_is_reported(manifest: dict, catalogue: dict[str, str]) -> None:
    table = kpi_table.render(manifest, catalogue)
    readme = f"intro\n{kpi_table.START}\n{table}{kpi_table.END}\nrest\n"
    assert kpi_table.readme_problem(readme, table) is None
    edited = readme.replace("| C1 | ACV (annual contract value) |", "| C1 | ACV |")
    assert edited != readme
    assert (
        kpi_table.readme_problem(edited, table)
        == "README.md's KPI table is out of date: run `python scripts/kpi_table.py --write`"
    )
    assert kpi_table.readme_problem("no markers\n", table) == (
        "README.md must hold <!-- kpi-table:start --> and then <!-- kpi-table:end -->, once each"
    )
    assert kpi_table.with_table(edited, table) == readme


def test_a_kpi_without_a_column_is_missing(manifest: dict, catalogue: dict[str, str]) -> None:
    broken = copy.deepcopy(manifest)
    acv = broken["nodes"]["model.sales_kpis.rpt_acv_rep_segment_yearly"]["columns"]["acv"]
    del acv["meta"]["kpi_id"]
    acv.get("config", {}).get("meta", {}).pop("kpi_id", None)
    assert kpi_table.missing_kpis(catalogue, kpi_table.kpi_measures(broken)) == ["C1"]
    assert "| C1 | ACV (annual contract value) | -- none -- | | | | |" in kpi_table.render(broken, catalogue)


def test_an_unknown_kpi_id_fails(manifest: dict, catalogue: dict[str, str]) -> None:
    with pytest.raises(ValueError) as error:
        kpi_table.render(manifest, {k: v for k, v in catalogue.items() if k != "C1"})
    assert str(error.value) == "kpi_id not in the catalogue: rpt_acv_rep_segment_yearly.acv: kpi_id C1"


def test_deviations_from_the_catalogue_are_in_the_table(manifest: dict) -> None:
    deviating = {m.kpi_id for m in kpi_table.kpi_measures(manifest) if m.deviation}
    assert deviating == {"C8", "I6", "I7"}


def _model(
    name: str, columns: dict[str, str | None], reads: list[str], grain: str = "rep x quarter"
) -> tuple[str, dict]:
    return f"model.p.{name}", {
        "unique_id": f"model.p.{name}",
        "resource_type": "model",
        "name": name,
        "description": f"{name}. More.",
        "config": {"meta": {"grain": grain}},
        "depends_on": {"nodes": [f"model.p.{r}" for r in reads]},
        "columns": {
            c: {"name": c, "description": f"{c} of {name}. Details.", "meta": {"kpi_id": k} if k else {}}
            for c, k in columns.items()
        },
    }


def test_every_measure_is_computed_in_one_model_per_grain(manifest: dict) -> None:
    assert kpi_table.duplicated_measures(manifest, kpi_table.kpi_measures(manifest)) == []


def test_measures_defined_in_more_than_one_model_are_listed_not_roll_ups() -> None:
    manifest = {
        "nodes": dict(
            [
                _model("int_base", {"wins": None}, []),
                _model("rpt_rep", {"win_rate": "F5", "nps": "C7"}, ["int_base"]),
                _model("int_middle", {"win_rate": None}, ["rpt_rep"]),
                _model("rpt_team", {"win_rate": "F5"}, ["int_middle"], grain="team x quarter"),
                _model("rpt_other", {"win_rate": "F5", "nps": "C7"}, ["int_base"]),
                _model("rpt_region", {"win_rate": "F5"}, ["int_base"], grain="region x quarter"),
            ]
        )
    }
    measures = kpi_table.kpi_measures(manifest)
    assert kpi_table.duplicated_measures(manifest, measures) == [
        ("C7", "nps", ["rpt_other", "rpt_rep"], []),
        ("F5", "win_rate", ["rpt_other", "rpt_rep"], ["rpt_team"]),
    ]
    rendered = kpi_table.render(manifest, {"F5": "Win rate", "C7": "NPS"})
    assert rendered.endswith(
        "- C7 `nps`: defined in `rpt_other`, `rpt_rep`\n"
        "- F5 `win_rate`: defined in `rpt_other`, `rpt_rep`; read by `rpt_team`\n"
    )
    # one row per measure: the computing models with their grain (a second grain is no duplicate), the marts
    # that show it
    assert (
        "| F5 | Win rate | win_rate of rpt_other | `win_rate` | `rpt_other` (rep x quarter)<br>"
        "`rpt_region` (region x quarter)<br>`rpt_rep` (rep x quarter) | `rpt_team` |  |"
    ) in rendered


def test_a_measure_computed_by_one_macro_in_several_models_is_one_definition() -> None:
    def computed_by(name: str, macro: str | None, calls: list[str]) -> tuple[str, dict]:
        unique_id, node = _model(name, {"retention_rate": "C3"}, [])
        node["depends_on"]["macros"] = [f"macro.p.{c}" for c in calls]
        if macro:
            node["columns"]["retention_rate"]["meta"]["macro"] = macro
        return unique_id, node

    shared = {"nodes": dict([computed_by("rpt_q", "rates", ["rates"]), computed_by("rpt_y", "rates", ["rates"])])}
    assert kpi_table.duplicated_measures(shared, kpi_table.kpi_measures(shared)) == []
    # a macro named but not called, or not named by every model, is no shared definition
    for other in (computed_by("rpt_y", "rates", ["safe_divide"]), computed_by("rpt_y", None, ["rates"])):
        manifest = {"nodes": dict([computed_by("rpt_q", "rates", ["rates"]), other])}
        assert kpi_table.duplicated_measures(manifest, kpi_table.kpi_measures(manifest)) == [
            ("C3", "retention_rate", ["rpt_q", "rpt_y"], [])
        ]
