"""The input contract of ../shared/spec/inputs.md as data: one place that the
generator, the validator and the loader all read.

Each file lists its columns in the canonical spelling (Salesforce API names, or
snake_case for the files no CRM holds) with a kind that says how the value is
parsed. Kinds: id, text, number, integer, boolean, date, datetime.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"
    required: bool = True
    # a value must be present on every row (primary keys, creation timestamps)
    not_empty: bool = False


@dataclass(frozen=True)
class ExportFile:
    file_name: str
    columns: tuple[Column, ...]
    required: bool = True
    # the column whose values must be unique (None for files without an id)
    key: str | None = "Id"
    table: str = field(default="")

    @property
    def table_name(self) -> str:
        """Name of the raw table (and dbt seed) the file lands in."""
        return self.table or self.file_name.removesuffix(".csv")

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _cols(spec: str, required: bool = True) -> tuple[Column, ...]:
    """Parse 'Id:id! Name CreatedDate:datetime!' ('!' = never empty)."""
    columns = []
    for token in spec.split():
        name, _, kind = token.partition(":")
        not_empty = kind.endswith("!")
        columns.append(Column(name, kind.rstrip("!") or "text", required, not_empty))
    return tuple(columns)


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
        _cols(
            "Id:id! AccountId:id OwnerId:id Name StageName Amount:number Probability:number CloseDate:date "
            "IsClosed:boolean! IsWon:boolean! CreatedDate:datetime! IsDeleted:boolean!"
        )
        + _cols(
            "Type LeadSource ForecastCategoryName CampaignId:id LastActivityDate:date CurrencyIsoCode "
            "ContractTermMonths__c:integer",
            required=False,
        ),
    ),
    ExportFile(
        "OpportunityHistory.csv",
        _cols(
            "Id:id! OpportunityId:id! StageName Amount:number CloseDate:date Probability:number "
            "CreatedDate:datetime! IsDeleted:boolean!"
        )
        + _cols("ForecastCategory CreatedById:id", required=False),
    ),
    ExportFile(
        "OpportunityFieldHistory.csv",
        _cols("Id:id! OpportunityId:id! Field OldValue NewValue CreatedDate:datetime! IsDeleted:boolean!")
        + _cols("CreatedById:id", required=False),
        required=False,
    ),
    ExportFile(
        "OpportunityLineItem.csv",
        _cols(
            "Id:id! OpportunityId:id! Product2Id:id Quantity:number UnitPrice:number TotalPrice:number "
            "IsDeleted:boolean!"
        )
        + _cols("ListPrice:number Discount:number ServiceDate:date", required=False),
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
        _cols("IsoCode ConversionRate:number StartDate:date") + _cols("NextStartDate:date", required=False),
        required=False,
        key=None,
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
        _cols("user_id:id team period_start:date! period_end:date! metric target_value:number"),
        key=None,
    ),
    ExportFile(
        "nps_responses.csv",
        _cols("response_id:id! account_id:id contact_id:id score:integer responded_at:datetime! comment"),
        required=False,
        key="response_id",
    ),
    ExportFile(
        "marketing_spend.csv",
        _cols("month:date! channel amount:number currency"),
        required=False,
        key=None,
    ),
)

EXPORT_FILES: tuple[ExportFile, ...] = SALESFORCE_FILES + SALES_OPS_FILES


def by_file_name(name: str) -> ExportFile:
    return next(f for f in EXPORT_FILES if f.file_name.lower() == name.lower())
