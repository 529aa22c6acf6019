"""Admission check of the picklists the project interprets (the vocabularies).

Every picklist value the KPIs interpret is mapped through a reference seed the
user edits in their clone (seeds/reference/*.csv); no SQL change is needed for
another CRM's vocabulary. `check_vocabularies()` runs on the raw tables landed
in schema crm_export (every column text) and reads the seeds with DuckDB.

|Vocabulary       |File, column                               |Seed (seeds/reference)        |Unmapped value      |
|-----------------|-------------------------------------------|------------------------------|--------------------|
|Lead status      |Lead.csv, Status                           |stage_mapping.csv, Lead       |error               |
|Opportunity stage|Opportunity.csv, OpportunityHistory.csv:   |stage_mapping.csv, Opportunity|error               |
|                 |StageName                                  |                              |                    |
|Roster role      |rep_roster.csv, role (any case)            |rep_roles.csv                 |error               |
|Target metric    |sales_targets.csv, metric (any case)       |target_metrics.csv            |error               |
|Currency         |Opportunity.csv, CurrencyIsoCode (any case)|the export's                  |error               |
|                 |                                           |DatedConversionRate.csv       |                    |
|Task type        |Task.csv, Type                             |activity_types.csv, Task      |`unmapped` + warning|
|Event type       |Event.csv, Type                            |activity_types.csv, Event     |`unmapped` + warning|
|Lead source      |Lead.csv, LeadSource; Account.csv,         |lead_source_channels.csv      |`Unmapped` + warning|
|                 |AccountSource (empty = unknown, no warning)|                              |                    |

Defaults (the seeds as committed): lead statuses Open - Not Contacted, Working -
Contacted, Closed - Converted, Closed - Not Converted; Salesforce's standard
opportunity stages Prospecting ... Closed Won, Closed Lost; roles
account_executive (quota-carrying), manager, head_of_sales; target metrics
won_amount, new_leads, qualified_leads, new_opportunities, activity_points,
visits_per_day; Task types Call, Voicemail, Email, LinkedIn Message; Event
types Meeting, Visit, Intake, Demo; lead sources Web, Cold Call, Referral,
Partner, Trade Show, LinkedIn, Email Campaign. Currencies: the reporting
currency (dbt var reporting_currency) needs no rate for its own amounts; every
other currency of an opportunity needs at least one rate, and then the
reporting currency too; without a DatedConversionRate file every amount is
taken as in the reporting currency.

Errors stop the build before anything is built (the values decide KPIs: a
stage decides won/lost and the funnel, a role who is a rep, a metric which
target a KPI is measured against). An empty value of an error vocabulary is an
error too. Warnings keep the rows: they are counted in the category
`unmapped` (0 activity points) or the channel `Unmapped`, and the mart
rpt_data_quality_exclusions_rule counts them again after the build. Each message
names the value, its row count, the first line and record Id, and the seed to
edit.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_export import RAW_SCHEMA, Problem, find_file, record_start_lines  # noqa: E402

PROJECT_DIR = Path(__file__).resolve().parent.parent
REFERENCE_DIR = PROJECT_DIR / "seeds" / "reference"
ERROR = "error"
UNMAPPED = "unmapped"


@dataclass(frozen=True)
class Vocabulary:
    file_name: str
    column: str
    seed: str
    seed_column: str
    rule: str  # ERROR or UNMAPPED
    seed_filter: tuple[str, str] | None = None  # (seed column, value) the seed rows must have
    any_case: bool = False  # compared in lower case (the staging model lower-cases the value)
    id_column: str | None = "Id"
    unmapped_as: str = ""  # what an unmapped value becomes (UNMAPPED rule)
    skip_empty: bool = False  # an empty value is no picklist value (an unknown lead source)


VOCABULARIES: tuple[Vocabulary, ...] = (
    Vocabulary("Lead.csv", "Status", "stage_mapping.csv", "crm_value", ERROR, ("record_type", "Lead")),
    Vocabulary("Opportunity.csv", "StageName", "stage_mapping.csv", "crm_value", ERROR, ("record_type", "Opportunity")),
    Vocabulary(
        "OpportunityHistory.csv", "StageName", "stage_mapping.csv", "crm_value", ERROR, ("record_type", "Opportunity")
    ),
    Vocabulary("rep_roster.csv", "role", "rep_roles.csv", "crm_role", ERROR, any_case=True, id_column="user_id"),
    Vocabulary("sales_targets.csv", "metric", "target_metrics.csv", "crm_metric", ERROR, any_case=True, id_column=None),
    Vocabulary(
        "Task.csv",
        "Type",
        "activity_types.csv",
        "crm_type",
        UNMAPPED,
        ("activity_object", "Task"),
        unmapped_as="activity category 'unmapped' (0 points)",
    ),
    Vocabulary(
        "Event.csv",
        "Type",
        "activity_types.csv",
        "crm_type",
        UNMAPPED,
        ("activity_object", "Event"),
        unmapped_as="activity category 'unmapped' (0 points)",
    ),
    Vocabulary(
        "Lead.csv",
        "LeadSource",
        "lead_source_channels.csv",
        "lead_source",
        UNMAPPED,
        unmapped_as="channel 'Unmapped'",
        skip_empty=True,
    ),
    Vocabulary(
        "Account.csv",
        "AccountSource",
        "lead_source_channels.csv",
        "lead_source",
        UNMAPPED,
        unmapped_as="channel 'Unmapped'",
        skip_empty=True,
    ),
)


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def reporting_currency() -> str:
    """The dbt var reporting_currency of dbt_project.yml."""
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    return str(project["vars"]["reporting_currency"]).strip().upper()


def _table(file_name: str) -> str:
    return file_name.removesuffix(".csv")


def _has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [RAW_SCHEMA, table]
    ).fetchone()
    return bool(found and found[0])


def _rows(count: int) -> str:
    return f"{count:,} row" + ("" if count == 1 else "s")


class _Lines:
    """Physical line of a record of a landed file (row ordinal 0 = line 2 when no value spans lines)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def __call__(self, file_name: str, ordinal: int) -> int:
        record = ordinal + 2  # record 1 is the header
        path = find_file(self.folder, file_name) if self.folder is not None and self.folder.is_dir() else None
        if path is None:
            return record
        try:
            return record_start_lines(path, {record}).get(record, record)
        except UnicodeDecodeError:  # a Windows-1252 file: counting records is the best we can do
            return record


def _where(ordinal: int, record_id: str | None, lines: _Lines, file_name: str) -> str:
    where = f"first at line {lines(file_name, ordinal)}"
    return where + (f", Id {record_id}" if record_id else "")


def _unmapped(con: duckdb.DuckDBPyConnection, vocabulary: Vocabulary, reference_dir: Path) -> list[tuple]:
    """(value, rows, first ordinal, first record id) per value missing from the seed, in file order."""
    table = _table(vocabulary.file_name)
    fold = "lower" if vocabulary.any_case else ""
    seed_filter = ""
    if vocabulary.seed_filter:
        column, value = vocabulary.seed_filter
        seed_filter = f"where trim({_q(column)}) = {_literal(value)}"
    record_id = f"nullif(trim({_q(vocabulary.id_column)}), '')" if vocabulary.id_column else "null"
    seed_path = reference_dir / vocabulary.seed
    skip_empty = "and value <> ''" if vocabulary.skip_empty else ""
    seed = f"""
        with seed as (
            select distinct {fold}(trim({_q(vocabulary.seed_column)})) as value
            from read_csv({_literal(str(seed_path))}, header = true, all_varchar = true)
            {seed_filter}
        )"""
    # A picklist holds a handful of distinct values: look at those first, and at the rows only when one is unmapped.
    unmapped = con.execute(
        f"""{seed}
        select count(*) from (
            select coalesce(trim(raw), '') as value
            from (select distinct {_q(vocabulary.column)} as raw from {RAW_SCHEMA}.{_q(table)})
        )
        where {fold}(value) not in (select value from seed where value is not null) {skip_empty}
        """
    ).fetchone()[0]
    if not unmapped:
        return []
    return con.execute(
        f"""{seed},
        raw as (
            select rowid as ordinal, coalesce(trim({_q(vocabulary.column)}), '') as value, {record_id} as record_id
            from {RAW_SCHEMA}.{_q(table)}
        )
        select value, count(*), min(ordinal), arg_min(record_id, ordinal)
        from raw
        where {fold}(value) not in (select value from seed where value is not null) {skip_empty}
        group by value
        order by min(ordinal)
        """
    ).fetchall()


def _seed_text(vocabulary: Vocabulary) -> str:
    text = f"seeds/reference/{vocabulary.seed}"
    if vocabulary.seed_filter:
        text += f" ({vocabulary.seed_filter[0]} {vocabulary.seed_filter[1]})"
    return text


def _check_currencies(con: duckdb.DuckDBPyConnection, lines: _Lines, currency: str) -> list[Problem]:
    if not (_has_table(con, "Opportunity") and _has_table(con, "DatedConversionRate")):
        return []
    rates = con.execute(
        f'select distinct upper(trim("IsoCode")) from {RAW_SCHEMA}."DatedConversionRate" '
        "where nullif(trim(\"IsoCode\"), '') is not null"
    ).fetchall()
    rated = {code for (code,) in rates}
    if not rated:  # no rates file: every amount is taken as in the reporting currency
        return []
    used = con.execute(
        f"""
        select upper(trim("CurrencyIsoCode")) as code, count(*), min(rowid), arg_min(nullif(trim("Id"), ''), rowid)
        from {RAW_SCHEMA}."Opportunity"
        where nullif(trim("CurrencyIsoCode"), '') is not null and upper(trim("CurrencyIsoCode")) <> {_literal(currency)}
        group by code
        order by count(*) desc, code
        """
    ).fetchall()
    problems = [
        Problem(
            "Opportunity.csv",
            f"value {code!r} ({_rows(count)}, {_where(ordinal, record_id, lines, 'Opportunity.csv')}) has no rate "
            f"in DatedConversionRate.csv: add its rates there (the reporting currency {currency} needs none)",
            column="CurrencyIsoCode",
        )
        for code, count, ordinal, record_id in used
        if code not in rated
    ]
    problems += _check_rate_dates(con, lines, currency, rated)
    if used and currency not in rated:
        problems.append(
            Problem(
                "DatedConversionRate.csv",
                f"the reporting currency {currency} (dbt var reporting_currency) has no rate, so amounts in "
                f"{', '.join(code for code, *_ in used)} cannot be converted: add its rates "
                "(1.0 when it is the corporate currency)",
                column="IsoCode",
            )
        )
    return problems


def _check_rate_dates(con: duckdb.DuckDBPyConnection, lines: _Lines, currency: str, rated: set[str]) -> list[Problem]:
    """A currency with rates, but none valid on an opportunity's conversion date (CloseDate, else CreatedDate).

    An amount in another currency needs a rate of its own currency and one of the reporting currency on that date.
    """
    rows = con.execute(
        f"""
        with opportunities as (
            select
                rowid as ordinal,
                nullif(trim("Id"), '') as record_id,
                upper(trim("CurrencyIsoCode")) as code,
                coalesce(
                    try_cast(nullif(trim("CloseDate"), '') as date), try_cast(left(trim("CreatedDate"), 10) as date)
                ) as conversion_date
            from {RAW_SCHEMA}."Opportunity"
            where nullif(trim("CurrencyIsoCode"), '') is not null and upper(trim("CurrencyIsoCode")) <> $currency
        ),
        rates as (
            select
                upper(trim("IsoCode")) as code,
                try_cast(nullif(trim("StartDate"), '') as date) as valid_from,
                try_cast(nullif(trim("NextStartDate"), '') as date) as valid_to
            from {RAW_SCHEMA}."DatedConversionRate"
        ),
        needed as (
            select *, code as rate_code from opportunities
            union all
            select *, $currency as rate_code from opportunities
        )
        select rate_code, count(*), min(ordinal), arg_min(record_id, ordinal), min(conversion_date),
            max(conversion_date)
        from needed
        where
            rate_code in (select code from rates)
            and not exists (
                select 1 from rates
                where
                    rates.code = needed.rate_code
                    and rates.valid_from <= needed.conversion_date
                    and (rates.valid_to is null or needed.conversion_date < rates.valid_to)
            )
        group by rate_code
        order by min(ordinal), rate_code = $currency
        """,
        {"currency": currency},
    ).fetchall()
    problems = []
    for code, count, ordinal, record_id, first_date, last_date in rows:
        where = _where(ordinal, record_id, lines, "Opportunity.csv")
        dates = f"{first_date}" if first_date == last_date else f"{first_date} to {last_date}"
        subject = (
            f"{_rows(count)} in other currencies ({where})"
            if code == currency
            else f"value {code!r} ({_rows(count)}, {where})"
        )
        problems.append(
            Problem(
                "Opportunity.csv",
                f"{subject}: DatedConversionRate.csv has no {code} rate valid on the conversion date (CloseDate, "
                f"else CreatedDate: {dates}): add a rate whose StartDate/NextStartDate cover it",
                column="CurrencyIsoCode",
            )
        )
    return problems


def check_vocabularies(
    con: duckdb.DuckDBPyConnection,
    folder: Path | None,
    reference_dir: Path = REFERENCE_DIR,
    currency: str | None = None,
) -> tuple[list[Problem], list[str]]:
    """Check the landed raw tables against the reference seeds: (problems, warnings).

    `folder` is the export folder the tables were landed from (to name physical
    lines); without it, lines are record numbers (header = line 1).
    """
    lines = _Lines(folder)
    problems: list[Problem] = []
    warnings: list[str] = []
    for vocabulary in VOCABULARIES:
        if not _has_table(con, _table(vocabulary.file_name)):
            continue
        for value, count, ordinal, record_id in _unmapped(con, vocabulary, reference_dir):
            where = _where(ordinal, record_id, lines, vocabulary.file_name)
            seed = _seed_text(vocabulary)
            if vocabulary.rule == ERROR:
                if value == "":
                    message = f"empty ({_rows(count)}, {where}): every row needs a value mapped in {seed}"
                else:
                    message = f"value {value!r} ({_rows(count)}, {where}) is not in {seed}: add it there"
                problems.append(Problem(vocabulary.file_name, message, column=vocabulary.column))
            else:
                shown = f"value {value!r}" if value else "empty value"
                warnings.append(
                    f"{vocabulary.file_name}, column {vocabulary.column}: {shown} ({_rows(count)}, {where}) is not in "
                    f"{seed}: counted as {vocabulary.unmapped_as}; add it there to map it"
                )
    problems += _check_currencies(con, lines, currency or reporting_currency())
    return problems, warnings
