"""The input contract of ../shared/spec/inputs.md as data: one place that the
generator, the validator and the loader all read.

Each file lists its columns in the canonical spelling (Salesforce API names, or
snake_case for the files no CRM holds) with a kind that says how the value is
parsed. Kinds: id, text, number, integer, boolean, date, datetime.

Every rule that can stop a build on the user's data is declared here and
enforced by scripts/load_export.py, the admission gate (so `--check-only`
gives the build's verdict, and no dbt test on staging fails on user data):

- `required` columns must be in the header; `not_empty` ones filled on every row;
- every value parses as its kind, and fits the SQL type staging casts it to
  (SQL_TYPES below: `integer` is a 32-bit integer, `number` is numeric(28,6));
- `min`/`max` bound a column where a value outside would make a KPI wrong
  (a probability is 0-100, an amount is not negative, an NPS score is 0-10);
- `values` lists a fixed Salesforce picklist (ForecastCategoryName);
- the file's `key` (its record Id) is unique, and so is `unique_together`, the
  combination staging builds a key from for the files that have no id.

Picklists a company configures (stage, lead status, role, target metric,
currency, activity type, lead source) are mapped through the reference seeds
and checked by scripts/vocabularies.py, not here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class SqlType:
    """The type a staging model casts a kind to (macros/parsing.sql), and its range."""

    sql: str  # as DuckDB and PostgreSQL spell it
    low: int
    high: int
    description: str


# macros/parsing.sql casts with dbt.type_int() and dbt.type_numeric(): `integer`
# (32-bit on DuckDB and PostgreSQL) and numeric(28,6) (22 digits before the point).
SQL_TYPES: dict[str, SqlType] = {
    "integer": SqlType("integer", -(2**31), 2**31 - 1, "a whole number from -2,147,483,648 to 2,147,483,647"),
    "number": SqlType(
        "decimal(28,6)", -(10**22) + 1, 10**22 - 1, "a number below 10^22 in absolute value (numeric(28,6))"
    ),
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"
    required: bool = True
    # a value must be present on every row (primary keys, creation timestamps)
    not_empty: bool = False
    # numbers: the range a value must lie in, and why (shown in the error)
    min: float | None = None
    max: float | None = None
    min_exclusive: bool = False
    why: str = ""
    # text: the only values allowed (a fixed picklist), compared as written
    values: tuple[str, ...] = ()
    # staging compares this column case-insensitively (it lower- or upper-cases it)
    ignore_case: bool = False


@dataclass(frozen=True)
class ExportFile:
    file_name: str
    columns: tuple[Column, ...]
    required: bool = True
    # the record Id: never empty, unique, and named in every error about the record (None: the file has none)
    key: str | None = "Id"
    # a combination of columns staging builds a unique key from (files without an Id of their own)
    unique_together: tuple[str, ...] = ()
    table: str = field(default="")

    @property
    def table_name(self) -> str:
        """Name of the raw table (and dbt seed) the file lands in."""
        return self.table or self.file_name.removesuffix(".csv")

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _cols(spec: str, required: bool = True) -> tuple[Column, ...]:
    """Parse 'Id:id! Name StageName! CreatedDate:datetime!' ('!' = never empty)."""
    columns = []
    for token in spec.split():
        name, _, kind = token.rstrip("!").partition(":")
        columns.append(Column(name, kind or "text", required, not_empty=token.endswith("!")))
    return tuple(columns)


def _rules(columns: tuple[Column, ...], **rules: dict) -> tuple[Column, ...]:
    """Add range/picklist rules to some columns: _rules(cols, Probability=PERCENT)."""
    unknown = set(rules) - {c.name for c in columns}
    assert not unknown, f"no such columns: {unknown}"
    return tuple(replace(c, **rules[c.name]) if c.name in rules else c for c in columns)


PERCENT = {"min": 0, "max": 100, "why": "a probability is a percentage"}
NOT_NEGATIVE = {"min": 0, "why": "a negative amount would be subtracted from the totals"}
FORECAST_CATEGORIES = ("Pipeline", "Best Case", "Commit", "Closed", "Omitted")


SALESFORCE_FILES: tuple[ExportFile, ...] = (
    ExportFile(
        "Account.csv",
        _cols("Id:id! Name OwnerId:id CreatedDate:datetime! IsDeleted:boolean!")
        + _cols(
            "Type ParentId:id Industry AnnualRevenue:number NumberOfEmployees:integer AccountSource "
            "BillingCountry BillingState Territory__c",
            required=False,
        ),
    ),
    ExportFile(
        "Contact.csv",
        _cols("Id:id! AccountId:id OwnerId:id CreatedDate:datetime! IsDeleted:boolean!")
        + _cols("LeadSource Title Email Phone", required=False),
    ),
    ExportFile(
        "Lead.csv",
        _cols("Id:id! OwnerId:id Status LeadSource CreatedDate:datetime! IsConverted:boolean! IsDeleted:boolean!")
        + _cols(
            "Company Industry NumberOfEmployees:integer AnnualRevenue:number Country Rating ConvertedDate:date "
            "ConvertedAccountId:id ConvertedContactId:id ConvertedOpportunityId:id Email Phone",
            required=False,
        ),
    ),
    ExportFile(
        "Opportunity.csv",
        _rules(
            _cols(
                "Id:id! AccountId:id OwnerId:id Name StageName! Amount:number Probability:number CloseDate:date "
                "IsClosed:boolean! IsWon:boolean! CreatedDate:datetime! IsDeleted:boolean!"
            )
            + _cols(
                "Type LeadSource ForecastCategoryName CampaignId:id LastActivityDate:date CurrencyIsoCode "
                "ContractTermMonths__c:integer",
                required=False,
            ),
            Amount=NOT_NEGATIVE,
            Probability=PERCENT,
            ForecastCategoryName={"values": FORECAST_CATEGORIES, "why": "Salesforce's fixed forecast categories"},
        ),
    ),
    ExportFile(
        "OpportunityHistory.csv",
        _rules(
            _cols(
                "Id:id! OpportunityId:id! StageName Amount:number CloseDate:date Probability:number "
                "CreatedDate:datetime! IsDeleted:boolean!"
            )
            + _cols("ForecastCategory CreatedById:id", required=False),
            Probability=PERCENT,
        ),
    ),
    ExportFile(
        "OpportunityFieldHistory.csv",
        _cols("Id:id! OpportunityId:id! Field OldValue NewValue CreatedDate:datetime! IsDeleted:boolean!")
        + _cols("CreatedById:id", required=False),
        required=False,
    ),
    ExportFile(
        "OpportunityLineItem.csv",
        _rules(
            _cols(
                "Id:id! OpportunityId:id! Product2Id:id Quantity:number UnitPrice:number TotalPrice:number "
                "IsDeleted:boolean!"
            )
            + _cols("ListPrice:number Discount:number ServiceDate:date", required=False),
            TotalPrice=NOT_NEGATIVE,
        ),
        required=False,
    ),
    ExportFile(
        "Product2.csv",
        _cols("Id:id! Name IsActive:boolean IsDeleted:boolean!")
        + _cols("ProductCode Family UnitCost__c:number", required=False),
        required=False,
    ),
    ExportFile(
        "User.csv",
        _cols("Id:id! Name IsActive:boolean CreatedDate:datetime!")
        + _cols("Title Department UserRoleId:id ManagerId:id Email", required=False),
    ),
    ExportFile(
        "UserRole.csv",
        _cols("Id:id! Name") + _cols("ParentRoleId:id", required=False),
        required=False,
    ),
    ExportFile(
        "Task.csv",
        _cols(
            "Id:id! OwnerId:id Type Status IsClosed:boolean ActivityDate:date CreatedDate:datetime! IsDeleted:boolean!"
        )
        + _cols(
            "WhoId:id WhatId:id AccountId:id Subject TaskSubtype CallDurationInSeconds:integer CallType "
            "CompletedDateTime:datetime",
            required=False,
        ),
    ),
    ExportFile(
        "Event.csv",
        _cols(
            "Id:id! OwnerId:id Type ActivityDate:date DurationInMinutes:integer CreatedDate:datetime! "
            "IsDeleted:boolean!"
        )
        + _cols(
            "WhoId:id WhatId:id AccountId:id Subject ActivityDateTime:datetime StartDateTime:datetime "
            "EndDateTime:datetime EventSubtype",
            required=False,
        ),
    ),
    ExportFile(
        "Campaign.csv",
        _cols("Id:id! Name Type StartDate:date IsDeleted:boolean!")
        + _cols("EndDate:date ActualCost:number BudgetedCost:number", required=False),
        required=False,
    ),
    ExportFile(
        "DatedConversionRate.csv",
        _rules(
            _cols("IsoCode! ConversionRate:number! StartDate:date!") + _cols("NextStartDate:date", required=False),
            IsoCode={"ignore_case": True},
            ConversionRate={"min": 0, "min_exclusive": True, "why": "a conversion rate is positive"},
        ),
        required=False,
        key=None,
        unique_together=("IsoCode", "StartDate"),
    ),
)

SALES_OPS_FILES: tuple[ExportFile, ...] = (
    ExportFile(
        "rep_roster.csv",
        _cols("user_id:id! hire_date:date! termination_date:date team region territory role"),
        key="user_id",
    ),
    ExportFile(
        "sales_targets.csv",
        _rules(
            _cols("user_id:id team period_start:date! period_end:date! metric! target_value:number!"),
            metric={"ignore_case": True},
            target_value={"min": 0, "why": "a target is not negative"},
        ),
        key=None,
        unique_together=("user_id", "team", "period_start", "metric"),
    ),
    ExportFile(
        "nps_responses.csv",
        _rules(
            _cols("response_id:id! account_id:id contact_id:id score:integer responded_at:datetime! comment"),
            score={"min": 0, "max": 10, "why": "an NPS score"},
        ),
        required=False,
        key="response_id",
    ),
    ExportFile(
        "marketing_spend.csv",
        _rules(_cols("month:date! channel! amount:number currency"), amount=NOT_NEGATIVE),
        required=False,
        key=None,
        unique_together=("month", "channel"),
    ),
)

EXPORT_FILES: tuple[ExportFile, ...] = SALESFORCE_FILES + SALES_OPS_FILES


def by_file_name(name: str) -> ExportFile:
    return next(f for f in EXPORT_FILES if f.file_name.lower() == name.lower())
