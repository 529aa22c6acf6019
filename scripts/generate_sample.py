#!/usr/bin/env python3
"""Generate a deterministic Salesforce-style export of a fictional B2B company.

    python scripts/generate_sample.py --seed 42 --scale 1 --out /tmp/export
    python scripts/generate_sample.py --out seeds/sample_export --for-dbt-seed

Writes every file of the input contract (scripts/input_contract.py) plus
`planted_facts.json`: the behaviour the generator planted on purpose (reps who
back-date activities, push close dates, register deals late, massage
probabilities, hide lost deals, bottleneck stages, ramping hires, churned
customers). Tests assert that the KPIs find exactly those.

Quirks of real exports are planted too: soft-deleted rows, empty optional
fields, Windows-1252 text (Account.csv and User.csv, unless --for-dbt-seed,
because `dbt seed` reads UTF-8 only), CRLF line endings (Task.csv), a header
in another case (Contact.csv), and custom `__c` columns we do not read.

`--company other` writes the same company as another company's export would
look (the default, `--company sample`, is the vocabulary of seeds/reference):

- rep_roster.csv roles of its own: `VP Sales`, `Sales Manager`, `AE` (and
  `Sales Rep` for UK&I's account executives), two `SDR`s who own nothing, and
  a `Queue` user that is not a person and owns part of the untouched leads;
- an extra lead status (`Nurturing`), custom activity types (Task `Demo`,
  Event `Site Visit - Custom`, Event `QBR`), an extra lead source (`Webinar`)
  and target metrics of its own (`Bookings`, `SQLs` ...): none of them is in
  seeds/reference, so the reference seeds must be edited to map them;
- back-dated closes: a few won deals whose CloseDate lies before their
  CreatedDate and before their first contact; and two each of open deals
  without an account, lost deals of amount 0, won deals without an amount;
- marketing_spend.csv (optional) with its header only, and Lead.csv's e-mail
  and phone headers in odd case (`EMAIL`, `phone`).

Its choices come from a random stream of their own, so everything else is the
sample company of the same --seed and --scale. `planted_facts.json` then holds
`company_profile`: each label with its meaning and row count, the back-dated
deals, the queue user, the header-only files. The seed rows that map this
company's vocabulary: map_other_company_vocabulary() in
tests/python/test_other_company.py.

Same --seed, --scale and --company give byte-identical files.

The large files are written row by row as the simulation makes them (with --as-of, rewound row by row too:
Rewind), so memory grows with the simulated company's accounts (about 1 KB each), not with its rows; another
--company keeps the files it rewrites at the end in memory. --progress shows each step and its time.
"""

from __future__ import annotations

import argparse
import array
import bisect
import contextlib
import csv
import functools
import heapq
import io
import itertools
import json
import math
import pickle
import random
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from input_contract import EXPORT_FILES, ExportFile  # noqa: E402

PERIOD_START = date(2024, 1, 1)
PERIOD_END = date(2026, 6, 30)
EXPORT_TIMESTAMP = datetime(2026, 6, 30, 18, 0, 0)
EARLIEST_ACTIVITY = PERIOD_START - timedelta(days=30)
RECENT_TASKS = PERIOD_END - timedelta(days=3)  # tasks due from this day on are half of them still open

TEAMS = (  # team, region, country, currency, territory prefix
    ("Benelux", "West", "Netherlands", "EUR", "BNL"),
    ("DACH", "Central", "Germany", "EUR", "DAC"),
    ("Nordics", "North", "Sweden", "EUR", "NOR"),
    ("UK&I", "Islands", "United Kingdom", "GBP", "UKI"),
)
INDUSTRIES = ("Manufacturing", "Logistics", "Retail", "Healthcare", "Finance", "Technology", "Energy", "Education")
LEAD_SOURCES = (  # source, weight, conversion multiplier
    ("Web", 30, 1.0),
    ("Cold Call", 20, 0.45),
    ("Referral", 10, 2.0),
    ("Partner", 10, 1.3),
    ("Trade Show", 12, 0.9),
    ("LinkedIn", 10, 0.8),
    ("Email Campaign", 8, 0.6),
)
# CRM opportunity stages in order, with their default probability (seeds/reference/stage_mapping.csv)
OPEN_STAGES = (
    ("Prospecting", 10),
    ("Qualification", 20),
    ("Needs Analysis", 30),
    ("Demo", 40),
    ("Proposal/Price Quote", 60),
    ("Negotiation/Review", 80),
)
STAGE_PROBABILITY = dict(OPEN_STAGES) | {"Closed Won": 100, "Closed Lost": 0}
# funnel transition a stage move belongs to (the stage the opportunity leaves)
FUNNEL_OF_STAGE = {
    "Prospecting": "Prospect",
    "Qualification": "Approach",
    "Needs Analysis": "Approach",
    "Demo": "Demo",
    "Proposal/Price Quote": "Quote",
    "Negotiation/Review": "Close",
}
# probability of moving on from a funnel stage for an average rep
ADVANCE = {"Prospect": 0.85, "Approach": 0.78, "Demo": 0.74, "Quote": 0.62, "Close": 0.72}
BOTTLENECKS = (("Approach", "Demo"), ("Demo", "Quote"), ("Quote", "Close"))
PRODUCTS = (  # name, family, list price (EUR), unit cost or None
    ("Core Platform", "Platform", 12000, 3600),
    ("Analytics Add-on", "Platform", 4800, 1200),
    ("Mobile App", "Platform", 3600, 900),
    ("Integration Pack", "Services", 6000, None),
    ("Onboarding", "Services", 4000, 2600),
    ("Premium Support", "Support", 3000, 1100),
    ("Training Day", "Services", 1500, 700),
    ("Data Migration", "Services", 5000, 3000),
    ("Security Module", "Platform", 5400, 1300),
    ("API Access", "Platform", 2400, None),
    ("Hardware Kit", "Hardware", 2200, 1500),
    ("Extended Warranty", "Support", 800, 150),
)
TASK_TYPES = (("Call", 40), ("Email", 30), ("Voicemail", 12), ("LinkedIn Message", 10))
EVENT_TYPES = (("Meeting", 55), ("Visit", 30), ("Intake", 10), ("Demo", 5))
STAGE_ACTIVITY = {  # the activity a rep logs when a deal enters the stage
    "Qualification": "Call",
    "Needs Analysis": "Meeting",
    "Demo": "Demo",
    "Proposal/Price Quote": "Email",
    "Negotiation/Review": "Visit",
}
# for rng.choices(..., cum_weights=...): the same draws as weights=, without summing them up on every call
TASK_KINDS = tuple(t for t, _ in TASK_TYPES)
TASK_CUM_WEIGHTS = tuple(itertools.accumulate(w for _, w in TASK_TYPES))
EVENT_KINDS = tuple(t for t, _ in EVENT_TYPES)
EVENT_CUM_WEIGHTS = tuple(itertools.accumulate(w for _, w in EVENT_TYPES))
MARKETING_CHANNELS = (  # channel, monthly base spend, lead sources it buys
    ("Website & SEO", 9000),
    ("Outbound calling", 7000),
    ("Referral programme", 1500),
    ("Partners", 3000),
    ("Events", 11000),
    ("LinkedIn Ads", 5000),
    ("Email marketing", 2000),
    ("Print", 2500),  # spend with no lead source mapped to it: cost per lead must show as such
)
# Names with characters that differ between UTF-8 and Windows-1252 (curly quotes, accents, euro sign)
FIRST_NAMES = (
    "Anaïs",
    "José",
    "Zoë",
    "Søren",
    "Jürgen",
    "Ines",
    "Noah",
    "Emma",
    "Liam",
    "Sofie",
    "Maëlle",
    "Bram",
    "Chloé",
    "Lars",
    "Fenna",
    "Mats",
    "Olivia",
    "Ruben",
    "Saskia",
    "Timo",
    "Amélie",
    "Henrik",
    "Eva",
    "Dirk",
)
LAST_NAMES = (
    "O’Brien",
    "Müller",
    "Lefèvre",
    "de Vries",
    "Jansen",
    "Nørgaard",
    "Schäfer",
    "Smith",
    "Peeters",
    "Åberg",
    "Dubois",
    "Bakker",
    "Lindqvist",
    "Wagner",
    "Murphy",
    "Visser",
    "Kowalski",
    "Brandt",
)
COMPANY_WORDS = (
    "Noord",
    "Delta",
    "Alpen",
    "Fjord",
    "Thames",
    "Rhein",
    "Polar",
    "Kanaal",
    "Zuid",
    "Oak",
    "Nova",
    "Atlas",
    "Vector",
    "Helix",
    "Orbit",
    "Summit",
    "Beacon",
    "Cedar",
    "Linde",
    "Birke",
)
COMPANY_SUFFIX = ("B.V.", "GmbH", "AB", "Ltd", "N.V.", "AG", "Group", "Solutions")
WINDOWS_1252_FILES = ("Account.csv", "User.csv")  # quirk: encoded cp1252 as a whole (not with --for-dbt-seed)
# Files written to disk row by row as the simulation makes them (nothing reads them back), so memory does not
# grow with them; the other files are small and stay in memory. Another --company rewrites some of them
# afterwards (apply_profile): those stay in memory, and all of them with --as-of (rewind_to needs them all);
# the sample company's are rewound as they stream (Rewind).
STREAMED_FILES = (
    "Account.csv",
    "Contact.csv",
    "Lead.csv",
    "Opportunity.csv",
    "OpportunityHistory.csv",
    "OpportunityFieldHistory.csv",
    "OpportunityLineItem.csv",
    "Task.csv",
    "Event.csv",
    "nps_responses.csv",
)
REWRITTEN_BY_PROFILE = ("Lead.csv", "Opportunity.csv", "OpportunityHistory.csv", "Task.csv", "Event.csv")


def sf_id(prefix: str, n: int) -> str:
    """Salesforce-style 18-character id: object prefix + 15 characters."""
    return f"{prefix}SK{n:013d}"


def ts(value: datetime) -> str:
    return value.isoformat(timespec="seconds") + ".000Z"  # what strftime("%Y-%m-%dT%H:%M:%S.000Z") says, faster


def iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(day: date) -> date:
    start = quarter_start(day)
    nxt = date(start.year + (start.month + 3 > 12), (start.month + 2) % 12 + 1, 1)
    return nxt - timedelta(days=1)


def quarter_label(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


@functools.cache
def seasonality(day: date) -> float:
    """More selling in spring and autumn, a summer dip and a quiet late December."""
    factor = 1.0 + 0.18 * math.sin(2 * math.pi * (day.timetuple().tm_yday - 60) / 182.5)
    if day.month in (7, 8):
        factor *= 0.7
    if day.month == 12 and day.day > 18:
        factor *= 0.4
    return factor


@dataclass
class Rep:
    user_id: str
    name: str
    team: str
    region: str
    territory: str
    currency: str
    hire_date: date
    termination_date: date | None
    skill: float
    activity_level: float
    bottleneck: tuple[str, str] | None = None
    behaviours: set[str] = field(default_factory=set)
    ramp_first_contact_days: int | None = None
    ramp_first_won_days: int | None = None

    def employed(self, day: date) -> bool:
        return self.hire_date <= day and (self.termination_date is None or day <= self.termination_date)


@dataclass(slots=True)
class Account:
    id: str
    name: str
    territory: str
    country: str
    industry: str
    employees: int
    created: datetime
    churn_date: date | None = None  # planted: stops buying after this date
    first_won: date | None = None
    last_won: date | None = None  # the latest close of a won deal
    products: int = 0  # bit i set: has bought Generator.products[i] (an int: an account is kept small)
    contacts: list[str] = field(default_factory=list)


class Spill:
    """Records appended once and read back once, in order, kept in a temporary file rather than in memory."""

    def __init__(self) -> None:
        self.handle = tempfile.TemporaryFile()  # noqa: SIM115 (closed when read back)
        self.count = 0

    def append(self, record: object) -> None:
        pickle.dump(record, self.handle, protocol=pickle.HIGHEST_PROTOCOL)
        self.count += 1

    def __iter__(self) -> Iterator:
        self.handle.seek(0)
        for _ in range(self.count):
            yield pickle.load(self.handle)  # noqa: S301 (our own records)
        self.handle.close()


class Customers:
    """A territory's accounts, and those of them that are customers on a day (first won on or before it), in
    the accounts' order; recomputed only when the number of first wins on or before the day changes."""

    def __init__(self, accounts: list[Account]) -> None:
        self.accounts = accounts
        self.first_wins = sorted(a.first_won for a in accounts if a.first_won)
        self.known = -1
        self.customers: list[Account] = []

    def on(self, day: date) -> list[Account]:
        known = bisect.bisect_right(self.first_wins, day)
        if known != self.known:
            self.known = known
            self.customers = [a for a in self.accounts if a.first_won and a.first_won <= day]
        return self.customers


@dataclass(frozen=True)
class CompanyProfile:
    """How a company words and fills its export (`--company`). The `sample` profile is the vocabulary of
    seeds/reference and changes nothing; another profile rewrites the finished company afterwards with its
    own random stream, so it is the same company in another company's words, plus real-CRM anomalies."""

    name: str
    role_labels: tuple[tuple[str, str], ...] = ()  # canonical roster role -> the company's label
    team_rep_labels: tuple[tuple[str, str], ...] = ()  # team -> label its account executives carry instead
    # (role label, what it means, title, team): people who own no deals and log no activities
    extra_staff: tuple[tuple[str, str, str, str], ...] = ()
    queue: tuple[str, str, str] | None = None  # (role label, what it means, user name): a lead queue, not a person
    queue_lead_share: float = 0.0  # share of untouched open leads that sit in the queue
    lead_status_renames: tuple[tuple[str, str, float], ...] = ()  # (status, its new label, share of rows)
    activity_type_renames: tuple[tuple[str, str, str, float], ...] = ()  # (file, type, custom type, share)
    lead_source_renames: tuple[tuple[str, str, float], ...] = ()  # (source, new source, share of leads)
    target_metric_labels: tuple[tuple[str, str], ...] = ()  # canonical target metric -> the company's label
    backdated_closes: int = 0  # won deals whose CloseDate lies before their creation and first activity
    # (rule, count): other deals real CRMs contain, by the name of the data-quality rule that counts them
    anomalies: tuple[tuple[str, int], ...] = ()
    header_only_files: tuple[str, ...] = ()  # optional files written with their header and no rows
    header_labels: tuple[tuple[str, str, str], ...] = ()  # (file, column, header written): odd header case


SAMPLE_COMPANY = CompanyProfile("sample")
OTHER_COMPANY = CompanyProfile(
    "other",
    role_labels=(("head_of_sales", "VP Sales"), ("manager", "Sales Manager"), ("account_executive", "AE")),
    team_rep_labels=(("UK&I", "Sales Rep"),),
    extra_staff=(
        ("SDR", "sales_development_rep", "Sales Development Rep", "Benelux"),
        ("SDR", "sales_development_rep", "Sales Development Rep", "DACH"),
    ),
    queue=("Queue", "other", "Inbound Leads Queue"),
    queue_lead_share=0.3,
    lead_status_renames=(("Working - Contacted", "Nurturing", 0.4),),
    activity_type_renames=(
        ("Task.csv", "Call", "Demo", 0.05),  # `Demo` is a mapped Event type, not a mapped Task type
        ("Event.csv", "Visit", "Site Visit - Custom", 0.5),
        ("Event.csv", "Meeting", "QBR", 0.15),
    ),
    lead_source_renames=(("Email Campaign", "Webinar", 0.5),),
    target_metric_labels=(
        ("won_amount", "Bookings"),
        ("new_leads", "New Leads"),
        ("qualified_leads", "SQLs"),
        ("new_opportunities", "Opps Created"),
        ("visits_per_day", "Visits per Day"),
    ),
    backdated_closes=3,
    anomalies=(
        ("open_opportunity_without_account", 2),
        ("opportunity_amount_zero", 2),  # lost deals
        ("won_opportunity_without_amount", 2),
    ),
    header_only_files=("marketing_spend.csv",),
    header_labels=(("Lead.csv", "Email", "EMAIL"), ("Lead.csv", "Phone", "phone")),
)
COMPANIES = {p.name: p for p in (SAMPLE_COMPANY, OTHER_COMPANY)}


class Generator:
    def __init__(self, seed: int, scale: float, profile: CompanyProfile = SAMPLE_COMPANY) -> None:
        self.rng = random.Random(seed)
        self.scale = scale
        self.profile = profile
        self.counters: dict[str, int] = {}
        self.rows: dict[str, list[dict[str, object]]] = {f.file_name: [] for f in EXPORT_FILES}
        self.streams: dict[str, CsvOut] = {}  # files written as their rows come (stream_to)
        self.rewind: Rewind | None = None
        self.facts: dict[str, object] = {"seed": seed, "scale": scale}
        self.reps: list[Rep] = []
        self.accounts: list[Account] = []
        self.products: list[tuple[str, str, str, int, int | None]] = []
        self.territory_reps: dict[str, list[Rep]] = {}
        self.rep_leads: dict[str, array.array] = {}
        self.rates: dict[tuple[str, date], float] = {}

    def next_id(self, prefix: str) -> str:
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        return sf_id(prefix, self.counters[prefix])

    def stream_to(self, files: dict[str, CsvOut], rewind: Rewind | None = None) -> None:
        """Write these files' rows to disk as they are made instead of keeping them in self.rows; with
        `rewind`, as they stood on its day (then every file Rewind reads must be streamed)."""
        unsafe = set(files) - set(STREAMED_FILES)
        if self.profile != SAMPLE_COMPANY:
            unsafe |= set(files) & set(REWRITTEN_BY_PROFILE)
        if rewind is not None and set(files) != set(STREAMED_FILES):
            unsafe |= set(STREAMED_FILES) - set(files)
        if unsafe:
            raise ValueError(f"cannot stream {sorted(unsafe)}: the generator reads or rewrites them afterwards")
        self.streams = files
        self.rewind = rewind

    def add(self, file_name: str, **row: object) -> None:
        stream = self.streams.get(file_name)
        if stream is None:
            self.rows[file_name].append(row)
        elif self.rewind is None:
            stream.write(row)
        else:
            for name, kept in self.rewind.rows(file_name, row):
                self.streams[name].write(kept)

    def row_count(self, file_name: str) -> int:
        stream = self.streams.get(file_name)
        return len(self.rows[file_name]) if stream is None else stream.rows

    def person_name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def company_name(self) -> str:
        name = f"{self.rng.choice(COMPANY_WORDS)} {self.rng.choice(COMPANY_WORDS)} {self.rng.choice(COMPANY_SUFFIX)}"
        if self.rng.random() < 0.06:
            name = f"Café “{self.rng.choice(COMPANY_WORDS)}” {self.rng.choice(COMPANY_SUFFIX)}"
        return name

    def moment(self, day: date, start_hour: int = 8, end_hour: int = 18) -> datetime:
        seconds = self.rng.randrange(start_hour * 3600, end_hour * 3600)
        return datetime.combine(day, time()) + timedelta(seconds=seconds)

    def working_day(self, day: date) -> date:
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return day

    # ------------------------------------------------------------------ people
    def make_users_and_reps(self) -> None:
        rng = self.rng
        head = self.next_id("005")
        self.add("UserRole.csv", Id="00ESK0000000000001", Name="Head of Sales", ParentRoleId="")
        self.add("UserRole.csv", Id="00ESK0000000000002", Name="Sales Manager", ParentRoleId="00ESK0000000000001")
        self.add("UserRole.csv", Id="00ESK0000000000003", Name="Account Executive", ParentRoleId="00ESK0000000000002")
        self.add(
            "User.csv",
            Id=head,
            Name=self.person_name(),
            IsActive="true",
            CreatedDate=ts(datetime(2018, 3, 1, 9)),
            Title="Head of Sales",
            Department="Sales",
            UserRoleId="00ESK0000000000001",
            ManagerId="",
            Email="",
        )
        self.add(
            "rep_roster.csv",
            user_id=head,
            hire_date="2018-03-01",
            termination_date="",
            team="",
            region="",
            territory="",
            role="head_of_sales",
        )
        per_team = max(1, round(5 * self.scale))
        for team, region, _country, currency, prefix in TEAMS:
            manager = self.next_id("005")
            self.add(
                "User.csv",
                Id=manager,
                Name=self.person_name(),
                IsActive="true",
                CreatedDate=ts(datetime(2019, 1, 7, 9)),
                Title="Sales Manager",
                Department="Sales",
                UserRoleId="00ESK0000000000002",
                ManagerId=head,
                Email="",
            )
            self.add(
                "rep_roster.csv",
                user_id=manager,
                hire_date="2019-01-07",
                termination_date="",
                team=team,
                region=region,
                territory="",
                role="manager",
            )
            for t in range(per_team):
                territory = f"{prefix}-{t + 1:02d}"
                hire = date(2019, 1, 1) + timedelta(days=rng.randrange(0, 4 * 365))
                self.new_rep(manager, team, region, territory, currency, hire)
        # Leavers replaced by a new hire a month later; two territories opened during the period.
        starters = [r for r in self.reps]
        for rep in rng.sample(starters, k=max(1, round(3 * self.scale))):
            rep.termination_date = date(2024, 9, 1) + timedelta(days=rng.randrange(0, 420))
            hire = self.working_day(rep.termination_date + timedelta(days=rng.randrange(20, 45)))
            self.new_rep(None, rep.team, rep.region, rep.territory, rep.currency, hire, ramping=True)
        for i in range(max(1, round(2 * self.scale))):
            team, region, _country, currency, prefix = TEAMS[i % len(TEAMS)]
            territory = f"{prefix}-N{i + 1:02d}"
            hire = self.working_day(date(2024, 4, 1) + timedelta(days=rng.randrange(0, 500)))
            self.new_rep(None, team, region, territory, currency, hire, ramping=True)
        for rep in self.reps:
            manager = next(
                r["Id"]
                for r in self.rows["User.csv"]
                if r["Title"] == "Sales Manager" and self.team_of_user(r["Id"]) == rep.team
            )
            self.add(
                "User.csv",
                Id=rep.user_id,
                Name=rep.name,
                IsActive="false" if rep.termination_date else "true",
                CreatedDate=ts(datetime.combine(rep.hire_date, time(9))),
                Title="Account Executive",
                Department="Sales",
                UserRoleId="00ESK0000000000003",
                ManagerId=manager,
                Email=f"rep{rep.user_id[-4:]}@example.com",
            )
            self.add(
                "rep_roster.csv",
                user_id=rep.user_id,
                hire_date=iso(rep.hire_date),
                termination_date=iso(rep.termination_date),
                team=rep.team,
                region=rep.region,
                territory=rep.territory,
                role="account_executive",
            )
        # An integration user that owns nothing sales-related (real exports have them).
        self.add(
            "User.csv",
            Id=self.next_id("005"),
            Name="Integration User",
            IsActive="true",
            CreatedDate=ts(datetime(2018, 1, 2, 8)),
            Title="",
            Department="IT",
            UserRoleId="",
            ManagerId="",
            Email="",
        )
        self.plant_behaviours()

    def team_of_user(self, user_id: str) -> str:
        return next(r["team"] for r in self.rows["rep_roster.csv"] if r["user_id"] == user_id)

    def new_rep(
        self,
        _manager: str | None,
        team: str,
        region: str,
        territory: str,
        currency: str,
        hire: date,
        ramping: bool = False,
    ) -> Rep:
        rng = self.rng
        rep = Rep(
            self.next_id("005"),
            self.person_name(),
            team,
            region,
            territory,
            currency,
            hire,
            None,
            skill=rng.uniform(0.8, 1.2),
            activity_level=rng.uniform(0.8, 1.2),
        )
        if ramping:
            rep.ramp_first_contact_days = rng.randrange(4, 15)
            rep.ramp_first_won_days = rng.randrange(75, 150)
        self.reps.append(rep)
        self.territory_reps.setdefault(territory, []).append(rep)
        return rep

    def plant_behaviours(self) -> None:
        """Choose distinct, honest-looking reps (employed all period, not ramping) for each gaming behaviour."""
        candidates = [r for r in self.reps if r.hire_date < date(2023, 7, 1) and r.termination_date is None]
        self.rng.shuffle(candidates)
        plan = [
            ("backdating", 2),
            ("close_date_pushing", 2),
            ("late_registration", 2),
            ("probability_massaging", 2),
            ("hiding_lost_deals", 2),
            ("quarter_end_closing", 1),
            ("selective_prospecting", 1),
        ]
        facts: dict[str, list[dict[str, object]]] = {}
        pool = iter(candidates)
        for behaviour, count in plan:
            for _ in range(count):
                rep = next(pool, None)
                if rep is None:  # a small --scale has too few reps for every behaviour
                    break
                rep.behaviours.add(behaviour)
                facts.setdefault(behaviour, []).append(
                    {"user_id": rep.user_id, "from": iso(date(2025, 1, 1)), "to": iso(PERIOD_END)}
                )
        for transition in BOTTLENECKS:
            rep = next(pool, None)
            if rep is None:
                break
            rep.bottleneck = transition
            facts.setdefault("bottleneck", []).append(
                {"user_id": rep.user_id, "from_stage": transition[0], "to_stage": transition[1]}
            )
        self.facts["gaming_window"] = {
            "from": "2025-01-01",
            "to": iso(PERIOD_END),
            "note": "gaming reps behave honestly before 2025-01-01",
        }
        self.facts.update(facts)
        self.facts["ramping_hires"] = [
            {
                "user_id": r.user_id,
                "hire_date": iso(r.hire_date),
                "first_prospect_contact_days": [r.ramp_first_contact_days, r.ramp_first_contact_days + 3],
                "first_won_days": [r.ramp_first_won_days, r.ramp_first_won_days + 60],
            }
            for r in self.reps
            if r.ramp_first_contact_days is not None
        ]

    def gaming(self, rep: Rep, behaviour: str, day: date) -> bool:
        return behaviour in rep.behaviours and day >= date(2025, 1, 1)

    def rep_for(self, territory: str, day: date) -> Rep:
        reps = self.territory_reps[territory]
        for rep in reps:
            if rep.employed(day):
                return rep
        # between a leaver and the new hire the successor inherits the record
        later = [r for r in reps if r.hire_date > day]
        return later[0] if later else reps[-1]

    # ----------------------------------------------------------- catalogue
    def make_products_and_rates(self) -> None:
        for i, (name, family, price, cost) in enumerate(PRODUCTS, start=1):
            pid = sf_id("01t", i)
            self.products.append((pid, name, family, price, cost))
            self.add(
                "Product2.csv",
                Id=pid,
                Name=name,
                IsActive="true",
                IsDeleted="false",
                ProductCode=f"P-{i:03d}",
                Family=family,
                UnitCost__c="" if cost is None else cost,
            )
        month = date(2023, 1, 1)
        while month <= PERIOD_END:
            nxt = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
            rate = round(0.84 + 0.03 * math.sin(month.month / 2 + month.year), 6)
            self.rates[("GBP", month)] = rate
            # like Salesforce, the latest rate stays valid until a newer one is entered
            self.add(
                "DatedConversionRate.csv",
                IsoCode="GBP",
                ConversionRate=f"{rate:.6f}",
                StartDate=iso(month),
                NextStartDate=iso(nxt) if nxt <= PERIOD_END else "",
            )
            month = nxt
        self.add(
            "DatedConversionRate.csv",
            IsoCode="EUR",
            ConversionRate="1.000000",
            StartDate="2000-01-01",
            NextStartDate="",
        )
        campaigns = (
            ("Spring Webinar Series", "Webinar"),
            ("Trade Fair Utrecht", "Trade Show"),
            ("Autumn Email Push", "Email"),
            ("Partner Summit", "Partners"),
        )
        for i, (name, kind) in enumerate(campaigns, start=1):
            start = date(2024 + (i > 2), 3 * i, 1)
            self.add(
                "Campaign.csv",
                Id=sf_id("701", i),
                Name=name,
                Type=kind,
                StartDate=iso(start),
                IsDeleted="false",
                EndDate=iso(start + timedelta(days=30)),
                ActualCost=8000 + 1000 * i,
                BudgetedCost=9000 + 1000 * i,
            )

    # ----------------------------------------------------------- accounts
    def new_account(
        self, territory: str, created: datetime, industry: str | None = None, employees: int | None = None
    ) -> Account:
        rng = self.rng
        country = next(t[2] for t in TEAMS if territory.startswith(t[4]))
        account = Account(
            self.next_id("001"),
            self.company_name(),
            territory,
            country,
            industry or rng.choice(INDUSTRIES),
            employees or int(rng.lognormvariate(5, 1.1)) + 5,
            created,
        )
        self.accounts.append(account)
        for _ in range(rng.choice((1, 2, 2, 3))):
            contact = self.next_id("003")
            account.contacts.append(contact)
            self.add(
                "Contact.csv",
                Id=contact,
                AccountId=account.id,
                OwnerId=self.rep_for(territory, created.date()).user_id,
                CreatedDate=ts(created),
                IsDeleted="true" if rng.random() < 0.01 else "false",
                LeadSource=rng.choice([s[0] for s in LEAD_SOURCES] + [""]),
                Title=rng.choice(("CFO", "Head of Operations", "IT Manager", "Procurement Lead", "")),
                Email=f"contact{contact[-5:]}@example.org",
                Phone=f"+31 20 {rng.randrange(1000000, 9999999)}",
            )
        return account

    def make_installed_base(self) -> None:
        """Accounts that existed before the period; about two thirds are customers renewing in it."""
        rng = self.rng
        territories = sorted(self.territory_reps)
        for _ in range(round(640 * self.scale)):
            territory = rng.choice(territories)
            created = self.moment(date(2019, 1, 1) + timedelta(days=rng.randrange(0, 5 * 365 - 10)))
            account = self.new_account(territory, created)
            if rng.random() < 0.65:
                # an existing customer: renewal falls due somewhere in the first year of the period
                account.first_won = created.date()
                account.products |= 1  # the core platform
                if rng.random() < 0.22:
                    account.churn_date = PERIOD_START + timedelta(days=rng.randrange(200, 700))
                due = PERIOD_START + timedelta(days=rng.randrange(0, 365))
                self.add_renewal(due, account)

    # ----------------------------------------------------------- leads
    def make_leads(self) -> None:
        rng = self.rng
        territories = sorted(self.territory_reps)
        days = (PERIOD_END - PERIOD_START).days + 1
        weights = [
            seasonality(PERIOD_START + timedelta(days=d))
            * (0.25 if (PERIOD_START + timedelta(days=d)).weekday() >= 5 else 1)
            for d in range(days)
        ]
        cumulative = list(_accumulate(weights))
        sources, source_weights, source_quality = zip(*LEAD_SOURCES, strict=True)
        for _ in range(round(6000 * self.scale)):
            day = PERIOD_START + timedelta(days=bisect.bisect(cumulative, rng.random() * cumulative[-1]))
            day = min(day, PERIOD_END)
            territory = rng.choice(territories)
            rep = self.rep_for(territory, day)
            if not rep.employed(day):
                continue
            source_index = rng.choices(range(len(sources)), weights=source_weights)[0]
            created = self.moment(day)
            lead_id = self.next_id("00Q")
            industry = rng.choice(INDUSTRIES + ("",))
            employees = int(rng.lognormvariate(4.5, 1.2)) + 3
            convert_p = 0.26 * source_quality[source_index] * rep.skill
            if "selective_prospecting" in rep.behaviours and day >= date(2025, 1, 1):
                convert_p *= 0.2  # works warm customers only; cold leads go nowhere
            status, converted_date, account, opp_id = "Open - Not Contacted", None, None, ""
            age = (PERIOD_END - day).days
            if rng.random() < convert_p and age > 10:
                converted_date = min(day + timedelta(days=rng.randrange(3, 40)), PERIOD_END)
                status = "Closed - Converted"
            elif age > 60:
                status = rng.choices(
                    ("Closed - Not Converted", "Working - Contacted", "Open - Not Contacted"), weights=(75, 15, 10)
                )[0]
            elif age > 7:
                status = rng.choice(("Working - Contacted", "Open - Not Contacted"))
            contact_id = ""
            if converted_date:
                account = self.new_account(territory, self.moment(converted_date), industry or None, employees)
                contact_id = account.contacts[0]
                opp_id = self.make_opportunity(
                    account, self.moment(converted_date), rep_hint=rep, source=sources[source_index], new_business=True
                )
            # packed in one integer (creation day, lead number): the order of (day, lead id), 8 bytes a lead
            self.rep_leads.setdefault(rep.user_id, array.array("q")).append((day.toordinal() << 32) | int(lead_id[5:]))
            self.add(
                "Lead.csv",
                Id=lead_id,
                OwnerId=rep.user_id,
                Status=status,
                LeadSource=sources[source_index],
                CreatedDate=ts(created),
                IsConverted="true" if converted_date else "false",
                IsDeleted="true" if rng.random() < 0.012 else "false",
                Company=account.name if account else self.company_name(),
                Industry=industry,
                NumberOfEmployees=employees if rng.random() > 0.1 else "",
                AnnualRevenue=round(employees * rng.uniform(80_000, 220_000), -3) if rng.random() > 0.15 else "",
                Country=next(t[2] for t in TEAMS if territory.startswith(t[4])),
                Rating=rng.choice(("Hot", "Warm", "Cold", "")),
                ConvertedDate=iso(converted_date),
                ConvertedAccountId=account.id if account else "",
                ConvertedContactId=contact_id,
                ConvertedOpportunityId=opp_id,
                Email=f"lead{lead_id[-5:]}@example.net",
                Phone=f"+49 30 {rng.randrange(1000000, 9999999)}",
                FirstName=rng.choice(FIRST_NAMES),
                LastName=rng.choice(LAST_NAMES),
            )

    # ----------------------------------------------------------- opportunities
    def make_opportunity(
        self,
        account: Account,
        created: datetime,
        rep_hint: Rep | None = None,
        source: str = "",
        new_business: bool = False,
        renewal: bool = False,
    ) -> str:
        """One opportunity with its stage walk, history, field history and line items; returns its id."""
        rng = self.rng
        rep = self.rep_for(account.territory, created.date())
        if rep_hint is not None and rep_hint.employed(created.date()):
            rep = rep_hint
        opp_id = self.next_id("006")
        late = self.gaming(rep, "late_registration", created.date()) and rng.random() < 0.6
        walk, outcome = self.stage_walk(rep, renewal, late)
        # durations: days spent in each stage before moving on
        stage_days = [max(1, int(rng.lognormvariate(2.4, 0.6) / max(rep.skill, 0.5))) for _ in walk]
        cycle = sum(stage_days)
        if late:
            stage_days = [rng.randrange(1, 3) for _ in walk]
            cycle = sum(stage_days)
        close_actual = created.date() + timedelta(days=cycle)
        expected_close = created.date() + timedelta(days=int(cycle * rng.uniform(0.7, 1.0)) + 5)
        if outcome == "won" and self.gaming(rep, "quarter_end_closing", close_actual) and rng.random() < 0.75:
            close_actual = quarter_end(close_actual) - timedelta(days=rng.randrange(0, 4))
            expected_close = min(expected_close, close_actual)
        is_open = close_actual > PERIOD_END or outcome == "open"
        if is_open:
            outcome = "open"
            close_actual = None
        # ramping hire: nothing closes won before the planted ramp time (the win moves later, stage walk and all)
        if rep.ramp_first_won_days is not None and outcome == "won":
            earliest = rep.hire_date + timedelta(days=rep.ramp_first_won_days)
            if close_actual < earliest:
                close_actual = earliest + timedelta(days=rng.randrange(0, 30))
                if close_actual > PERIOD_END:
                    outcome, close_actual, is_open = "open", None, True
        # products and amount
        products = self.choose_products(account, renewal)
        currency = rep.currency
        rate = 1.0 if currency == "EUR" else self.rates[("GBP", quarter_start(created.date()).replace(day=1))]
        items = []
        for pid, _name, _family, price, _cost in products:
            qty = rng.choice((1, 1, 1, 2, 3, 5)) if price < 5000 else 1
            unit = round(price * rate * rng.uniform(0.85, 1.05), 2)
            items.append((pid, qty, unit, round(price * rate, 2)))
        amount = round(sum(q * u for _p, q, u, _l in items), 2)
        term = rng.choice(("", "", "12", "12", "24", "36")) if not renewal else "12"
        # stage history rows
        history: list[tuple[datetime, str, float, date, int]] = []
        moment = created
        close_date = expected_close
        probability_override = None
        if self.gaming(rep, "probability_massaging", created.date()) and rng.random() < 0.8:
            probability_override = rng.choice((-1, 1)) * rng.randrange(20, 35)
        elif rng.random() < 0.04:
            probability_override = rng.choice((-5, 5))
        for index, stage in enumerate(walk):
            if close_actual is None and stage in ("Closed Won", "Closed Lost"):
                break  # still open at the export: it never reached its closing stage
            probability = STAGE_PROBABILITY[stage]
            history.append((moment, stage, amount, close_date, probability))
            if probability_override and stage not in ("Closed Won", "Closed Lost") and index > 0:
                # the rep overrides the stage's probability a day later
                moment_override = moment + timedelta(hours=rng.randrange(2, 30))
                if close_actual is None or moment_override.date() < close_actual:
                    history.append(
                        (
                            moment_override,
                            stage,
                            amount,
                            close_date,
                            min(99, max(1, probability + probability_override)),
                        )
                    )
                    moment = moment_override
            if index < len(stage_days) and stage not in ("Closed Won", "Closed Lost"):
                next_moment = moment + timedelta(days=stage_days[index], hours=rng.randrange(0, 8))
                # close-date pushes: the expected close passes while the deal is still open
                pusher = self.gaming(rep, "close_date_pushing", moment.date())
                if (pusher and rng.random() < 0.35) or (not pusher and rng.random() < 0.025):
                    new_close = quarter_end(close_date) + timedelta(days=rng.randrange(5, 40))
                    push_moment = moment + timedelta(days=max(1, stage_days[index] // 2))
                    if push_moment < next_moment and push_moment.date() <= PERIOD_END:
                        history.append((push_moment, stage, amount, new_close, history[-1][4]))
                        self.add(
                            "OpportunityFieldHistory.csv",
                            Id=self.next_id("017"),
                            OpportunityId=opp_id,
                            Field="CloseDate",
                            OldValue=iso(close_date),
                            NewValue=iso(new_close),
                            CreatedDate=ts(push_moment),
                            IsDeleted="false",
                            CreatedById=rep.user_id,
                        )
                        close_date = new_close
                moment = next_moment
                if close_actual is not None and index == len(walk) - 2:
                    moment = max(moment, datetime.combine(close_actual, time(16)))
            if moment.date() > PERIOD_END:
                break
        # an opportunity reopened after being lost: Closed Lost -> Negotiation -> Closed Won
        reopened = outcome == "won" and rng.random() < 0.012 and not late
        if reopened and close_actual is not None:
            lost_at = history[-1][0] - timedelta(days=20)
            history.insert(-1, (lost_at, "Closed Lost", amount, close_actual - timedelta(days=20), 0))
            history.insert(-1, (lost_at + timedelta(days=6), "Negotiation/Review", amount, close_actual, 80))
        history.sort(key=lambda h: h[0])
        history = [h for h in history if h[0].date() <= PERIOD_END]
        final_stage = history[-1][1]
        final_close = close_actual if close_actual is not None else history[-1][3]
        if outcome == "won":
            final_close = close_actual
            account.last_won = max(account.last_won or close_actual, close_actual)
            for product in products:
                account.products |= 1 << self.products.index(product)
            if account.first_won is None or account.first_won > close_actual:
                account.first_won = close_actual
        deleted = False
        if outcome == "lost" and self.gaming(rep, "hiding_lost_deals", final_close or created.date()):
            deleted = rng.random() < 0.8
        elif rng.random() < 0.006:
            deleted = True
        for moment_h, stage, amt, close_h, prob in history:
            self.add(
                "OpportunityHistory.csv",
                Id=self.next_id("008"),
                OpportunityId=opp_id,
                StageName=stage,
                Amount=f"{amt:.2f}",
                CloseDate=iso(close_h),
                Probability=prob,
                CreatedDate=ts(moment_h),
                IsDeleted="false",
                ForecastCategory=_forecast_category(stage),
                CreatedById=rep.user_id,
            )
        for previous, current in zip(history, history[1:], strict=False):
            if previous[1] != current[1]:
                self.add(
                    "OpportunityFieldHistory.csv",
                    Id=self.next_id("017"),
                    OpportunityId=opp_id,
                    Field="StageName",
                    OldValue=previous[1],
                    NewValue=current[1],
                    CreatedDate=ts(current[0]),
                    IsDeleted="false",
                    CreatedById=rep.user_id,
                )
        for pid, qty, unit, list_price in items:
            self.add(
                "OpportunityLineItem.csv",
                Id=self.next_id("00k"),
                OpportunityId=opp_id,
                Product2Id=pid,
                Quantity=qty,
                UnitPrice=f"{unit:.2f}",
                TotalPrice=f"{qty * unit:.2f}",
                IsDeleted="false",
                ListPrice=f"{list_price:.2f}",
                Discount=f"{max(0.0, 100 * (1 - unit / list_price)):.2f}",
                ServiceDate="",
            )
        self.add(
            "Opportunity.csv",
            Id=opp_id,
            AccountId=account.id,
            OwnerId=rep.user_id,
            Name=f"{account.name} - {'Renewal' if renewal else 'New' if new_business else 'Expansion'}",
            StageName=final_stage,
            Amount=f"{amount:.2f}",
            Probability=history[-1][4],
            CloseDate=iso(final_close),
            IsClosed="false" if outcome == "open" else "true",
            IsWon="true" if outcome == "won" else "false",
            CreatedDate=ts(created),
            IsDeleted="true" if deleted else "false",
            Type="Renewal" if renewal else "New Business" if new_business else "Existing Business",
            LeadSource=source,
            ForecastCategoryName=_forecast_category(final_stage),
            CampaignId=sf_id("701", rng.randrange(1, 5)) if rng.random() < 0.08 else "",
            LastActivityDate="",
            CurrencyIsoCode=currency,
            ContractTermMonths__c=term,
            Legacy_Id__c=f"L{rng.randrange(10**6, 10**7)}",
        )
        if (
            outcome == "won"
            and (renewal or new_business)
            and final_close + timedelta(days=365) <= PERIOD_END + timedelta(days=400)
        ):
            # the renewal opens early enough to close before the 12 months since this win run out
            self.add_renewal(final_close + timedelta(days=self.rng.randrange(260, 300)), account)
        # what make_activities needs of the deal: the activities of its stage walk (kept on disk, see Spill)
        contact = account.contacts[0] if account.contacts else ""
        stage_activities = tuple(
            (moment_h.date(), STAGE_ACTIVITY[stage]) for moment_h, stage, *_ in history if stage in STAGE_ACTIVITY
        )
        self.opp_walks.append((opp_id, rep.user_id, contact, account.id, created, late, stage_activities))
        return opp_id

    def add_renewal(self, due: date, account: Account) -> None:
        """A renewal falls due: handled earliest first (by account id, then first come on the same day)."""
        self.renewals_added += 1
        heapq.heappush(self.pending_renewals, (due, account.id, self.renewals_added, account))

    def stage_walk(self, rep: Rep, renewal: bool, late: bool) -> tuple[list[str], str]:
        rng = self.rng
        stages = [s for s, _ in OPEN_STAGES]
        if late:
            start = rng.choice(("Proposal/Price Quote", "Negotiation/Review"))
            return stages[stages.index(start) :] + ["Closed Won"], "won"
        walk = ["Prospecting"]
        if renewal:
            walk = ["Proposal/Price Quote"]
        position = stages.index(walk[0])
        while True:
            stage = stages[position]
            funnel = FUNNEL_OF_STAGE[stage]
            p = ADVANCE[funnel] * (0.85 + 0.15 * rep.skill)
            if renewal:
                p = 0.9
            if rep.bottleneck and rep.bottleneck[0] == funnel and stage != "Qualification":
                p *= 0.45
            if self.gaming(rep, "hiding_lost_deals", PERIOD_END):
                p = min(0.95, p * 1.05)
            if rng.random() > p:
                return walk + ["Closed Lost"], "lost"
            if stage == "Negotiation/Review":
                return walk + ["Closed Won"], "won"
            position += 1
            if stages[position] == "Needs Analysis" and rng.random() < 0.5:
                position += 1  # skipped: still counts as having reached Approach
            elif stages[position] == "Demo" and rng.random() < 0.1:
                position += 1  # skipped the demo altogether
            walk.append(stages[position])

    def choose_products(self, account: Account, renewal: bool) -> list[tuple[str, str, str, int, int | None]]:
        rng = self.rng
        if renewal:
            owned = [p for i, p in enumerate(self.products) if account.products >> i & 1] or [self.products[0]]
            return owned[:2]
        count = rng.choice((1, 1, 2, 2, 3))
        chosen = {self.products[0]} if not account.products else set()
        # winning combination planted: Core Platform buyers often add Analytics Add-on
        if self.products[0] in chosen and rng.random() < 0.5:
            chosen.add(self.products[1])
        while len(chosen) < count:
            chosen.add(rng.choice(self.products))
        return sorted(chosen)

    def make_existing_business(self) -> None:
        """Renewals as they fall due, plus upsell and cross-sell deals on customers."""
        rng = self.rng
        handled = 0
        while self.pending_renewals:
            due, _id, _order, account = heapq.heappop(self.pending_renewals)
            handled += 1
            if due > PERIOD_END - timedelta(days=20):
                continue
            if account.churn_date and due >= account.churn_date:
                continue
            created = self.moment(self.working_day(due))
            if rng.random() < 0.85:
                self.make_opportunity(account, created, renewal=True)
        customers = [a for a in self.accounts if a.first_won]
        for _ in range(round(750 * self.scale)):
            account = rng.choice(customers)
            day = self.working_day(PERIOD_START + timedelta(days=rng.randrange(0, (PERIOD_END - PERIOD_START).days)))
            if account.first_won and day > account.first_won and not (account.churn_date and day > account.churn_date):
                self.make_opportunity(account, self.moment(day))
        # churners buy nothing after their churn date; record who they are and when they last bought
        self.facts["churned_accounts"] = sorted(
            (
                {"account_id": a.id, "last_purchase": iso(a.last_won)}
                for a in self.accounts
                if a.churn_date and a.last_won
            ),
            key=lambda f: f["account_id"],
        )

    # ----------------------------------------------------------- activities
    def make_activities(self) -> None:
        rng = self.rng
        reps = {r.user_id: r for r in self.reps}
        for opp_id, user_id, contact, account_id, created, late, stage_activities in self.opp_walks:
            rep = reps[user_id]
            if not late:
                first = created - timedelta(days=rng.randrange(1, 10))
                self.activity(rep, first.date(), "Call", who=contact, what=account_id, account=account_id)
            for day, kind in stage_activities:
                self.activity(rep, day, kind, who=contact, what=opp_id, account=account_id)
        accounts_by_territory: dict[str, list[Account]] = {}
        for a in self.accounts:
            accounts_by_territory.setdefault(a.territory, []).append(a)
        for rep in self.reps:
            day = max(rep.hire_date, PERIOD_START)
            if rep.ramp_first_contact_days is not None:
                day = rep.hire_date + timedelta(days=rep.ramp_first_contact_days)
            last = min(rep.termination_date or PERIOD_END, PERIOD_END)
            # the rep's leads by creation day (then id), from their packed form (see make_leads)
            packed = sorted(self.rep_leads.get(rep.user_id, ()))
            lead_days = [date.fromordinal(key >> 32) for key in packed]
            leads = [(day, sf_id("00Q", key & 0xFFFFFFFF)) for day, key in zip(lead_days, packed, strict=True)]
            territory_accounts = Customers(accounts_by_territory.get(rep.territory, []))
            first_day = True
            while day <= last:
                if day.weekday() < 5 or rng.random() < 0.03:
                    expected = 3.9 * rep.activity_level * seasonality(day)
                    for _ in range(_poisson(rng, expected) + (1 if first_day else 0)):
                        self.background_activity(rep, day, leads, lead_days, territory_accounts, first_day)
                        first_day = False
                day += timedelta(days=1)

    def background_activity(
        self,
        rep: Rep,
        day: date,
        leads: list[tuple[date, str]],
        lead_days: list[date],
        territory: Customers,
        prospecting_first: bool,
    ) -> None:
        rng = self.rng
        roll = rng.random()
        selective = self.gaming(rep, "selective_prospecting", day)
        if (roll < 0.45 and not selective) or prospecting_first:
            i = bisect.bisect_right(lead_days, day)
            recent = leads[max(0, i - 30) : i]
            if recent or prospecting_first:
                lead = rng.choice(recent)[1] if recent else ""
                kind = rng.choices(TASK_KINDS, cum_weights=TASK_CUM_WEIGHTS)[0]
                self.activity(rep, day, kind, who=lead, what="", account="")
                return
        customers = territory.on(day)
        pool = customers if (selective or roll < 0.8) and customers else territory.accounts
        if not pool:
            return
        account = rng.choice(pool)
        if rng.random() < 0.3:
            kind = rng.choices(EVENT_KINDS, cum_weights=EVENT_CUM_WEIGHTS)[0]
        else:
            kind = rng.choices(TASK_KINDS, cum_weights=TASK_CUM_WEIGHTS)[0]
        who = rng.choice(account.contacts) if account.contacts else ""
        self.activity(rep, day, kind, who=who, what=account.id, account=account.id)

    def activity(self, rep: Rep, day: date, kind: str, who: str, what: str, account: str) -> None:
        rng = self.rng
        if day > PERIOD_END or day < EARLIEST_ACTIVITY:
            return
        if day < rep.hire_date:
            return
        if rep.ramp_first_contact_days is not None and day < rep.hire_date + timedelta(
            days=rep.ramp_first_contact_days
        ):
            return  # planted: a ramping hire logs nothing before the first prospect contact
        start = self.moment(day)
        lag_days = 0 if rng.random() < 0.8 else rng.choice((0, 1, 1, 2))
        if self.gaming(rep, "backdating", day) and rng.random() < 0.6:
            lag_days = rng.randrange(5, 16)
        created = start + timedelta(days=lag_days, hours=rng.randrange(0, 3))
        if created.date() > PERIOD_END:
            created = datetime.combine(PERIOD_END, time(17))
        deleted = "true" if rng.random() < 0.004 else "false"
        if kind in EVENT_KINDS:
            duration = rng.choice((30, 45, 60, 60, 90, 120))
            missing_duration = rng.random() < 0.02
            started = ts(start)
            self.add(
                "Event.csv",
                Id=self.next_id("00U"),
                OwnerId=rep.user_id,
                Type=kind,
                ActivityDate=day.isoformat(),
                DurationInMinutes="" if missing_duration else duration,
                CreatedDate=ts(created),
                IsDeleted=deleted,
                WhoId=who,
                WhatId=what,
                AccountId=account,
                Subject=f"{kind} with customer",
                ActivityDateTime=started,
                StartDateTime=started,
                EndDateTime=ts(start + timedelta(minutes=duration)),
                EventSubtype="Event",
            )
            return
        done = day < RECENT_TASKS or rng.random() < 0.5
        status = "Completed" if done and rng.random() < 0.95 else rng.choice(("Not Started", "In Progress"))
        closed = status == "Completed"
        self.add(
            "Task.csv",
            Id=self.next_id("00T"),
            OwnerId=rep.user_id,
            Type=kind,
            Status=status,
            IsClosed="true" if closed else "false",
            ActivityDate=day.isoformat(),
            CreatedDate=ts(created),
            IsDeleted=deleted,
            WhoId=who,
            WhatId=what,
            AccountId=account,
            Subject=kind,
            TaskSubtype="Call" if kind in ("Call", "Voicemail") else "Email" if kind == "Email" else "Task",
            CallDurationInSeconds=rng.randrange(30, 1500) if kind == "Call" and closed else "",
            CallType="Outbound" if kind in ("Call", "Voicemail") else "",
            CompletedDateTime=ts(start + timedelta(minutes=20)) if closed else "",
            Legacy_Import__c="",
        )

    # ----------------------------------------------------------- non-CRM files
    def make_nps(self) -> None:
        rng = self.rng
        churned = {f["account_id"]: date.fromisoformat(f["last_purchase"]) for f in self.facts["churned_accounts"]}
        n = 0
        for account in sorted((a for a in self.accounts if a.first_won), key=lambda a: a.id):
            day = max(account.first_won, PERIOD_START) + timedelta(days=rng.randrange(20, 120))
            while day <= PERIOD_END:
                if account.churn_date and day > account.churn_date + timedelta(days=60):
                    break
                n += 1
                last = churned.get(account.id)
                if last and last - timedelta(days=183) <= day <= last + timedelta(days=60):
                    score: int | str = rng.choice((1, 2, 3, 4, 5, 5, 6, 6, 7))
                else:
                    score = rng.choices(range(11), weights=(1, 1, 1, 2, 2, 3, 5, 10, 20, 25, 20))[0]
                if rng.random() < 0.04:
                    score = ""  # answered the comment, skipped the score
                self.add(
                    "nps_responses.csv",
                    response_id=f"NPS-{n:06d}",
                    account_id=account.id,
                    contact_id=rng.choice(account.contacts) if account.contacts else "",
                    score=score,
                    responded_at=ts(self.moment(day)),
                    comment=rng.choice(("", "", "Great support", "Pricing is steep", "Onboarding took long")),
                )
                day += timedelta(days=rng.randrange(90, 200))

    def make_marketing_and_targets(self) -> None:
        rng = self.rng
        month = PERIOD_START
        while month <= PERIOD_END:
            for channel, base in MARKETING_CHANNELS:
                spend = round(base * self.scale * seasonality(month) * rng.uniform(0.8, 1.2), 2)
                self.add(
                    "marketing_spend.csv", month=iso(month), channel=channel, amount=f"{spend:.2f}", currency="EUR"
                )
            month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
        quarter = PERIOD_START
        while quarter <= PERIOD_END:
            end = quarter_end(quarter)
            team_totals: dict[str, dict[str, float]] = {}
            for rep in self.reps:
                if not (rep.hire_date <= end and (rep.termination_date is None or rep.termination_date >= quarter)):
                    continue
                ramp = 0.5 if (quarter - rep.hire_date).days < 180 else 1.0
                targets = {
                    "won_amount": round(90000 * ramp * (1.1 if rep.currency == "GBP" else 1), -3),
                    "new_leads": round(60 * ramp),
                    "qualified_leads": round(25 * ramp),
                    "new_opportunities": round(25 * ramp),
                    "activity_points": round(900 * ramp),
                    "visits_per_day": 0.8,
                }
                for metric, value in targets.items():
                    self.add(
                        "sales_targets.csv",
                        user_id=rep.user_id,
                        team=rep.team,
                        period_start=iso(quarter),
                        period_end=iso(end),
                        metric=metric,
                        target_value=value,
                    )
                    if metric != "visits_per_day":
                        team_totals.setdefault(rep.team, {}).setdefault(metric, 0)
                        team_totals[rep.team][metric] += value
            for team in sorted(team_totals):
                for metric, value in team_totals[team].items():
                    self.add(
                        "sales_targets.csv",
                        user_id="",
                        team=team,
                        period_start=iso(quarter),
                        period_end=iso(end),
                        metric=metric,
                        target_value=round(value, 2),
                    )
            quarter = end + timedelta(days=1)

    # ----------------------------------------------------------- run
    def run(self, phase: Callable[[str], AbstractContextManager[None]] | None = None) -> None:
        """Simulate the company; `phase` (progress.Display.phase, with --progress) times each step."""
        step = phase or (lambda _title: contextlib.nullcontext())
        self.pending_renewals: list[tuple[date, str, int, Account]] = []  # a heap: earliest due first
        self.opp_walks = Spill()
        self.renewals_added = 0
        with step("people, products, installed base"):
            self.make_users_and_reps()
            self.make_products_and_rates()
            self.make_installed_base()
        with step("leads and new business"):
            self.make_leads()
        with step("renewals and existing business"):
            self.make_existing_business()
        with step("activities (tasks and events)"):
            self.make_activities()
        with step("NPS, marketing spend, targets, accounts"):
            self.make_nps()
            self.make_marketing_and_targets()
            for account in self.accounts:
                self.add("Account.csv", **self.account_row(account))
        with step(f"company profile: {self.profile.name}"):
            self.apply_profile()

    def account_row(self, a: Account) -> dict[str, object]:
        rng = self.rng
        return {
            "Id": a.id,
            "Name": a.name,
            "OwnerId": self.rep_for(a.territory, PERIOD_END).user_id,
            "CreatedDate": ts(a.created),
            "IsDeleted": "true" if rng.random() < 0.005 else "false",
            "Type": "Customer" if a.first_won else "Prospect",
            "ParentId": "",
            "Industry": a.industry if rng.random() > 0.05 else "",
            "AnnualRevenue": round(a.employees * rng.uniform(80_000, 220_000), -3) if rng.random() > 0.1 else "",
            "NumberOfEmployees": a.employees,
            "AccountSource": rng.choice([s for s, _, _ in LEAD_SOURCES]),
            "BillingCountry": a.country,
            "BillingState": "",
            "Territory__c": a.territory,
            "Customer_Tier__c": rng.choice(("Gold", "Silver", "Bronze", "")),
        }

    # ----------------------------------------------------------- another company
    def apply_profile(self) -> None:
        """Rewrite the finished company in the words of self.profile (nothing for the sample) and record
        every planted difference in facts["company_profile"], so tests know what to expect."""
        profile = self.profile
        if profile == SAMPLE_COMPANY:
            return
        rng = random.Random(f"{profile.name}-{self.facts['seed']}")  # own stream: the company stays the same
        facts: dict[str, object] = {"name": profile.name}
        self.relabel_roster(rng, facts)
        facts["lead_statuses"] = self.rename_values(rng, "Lead.csv", "Status", profile.lead_status_renames)
        facts["lead_sources"] = self.rename_values(rng, "Lead.csv", "LeadSource", profile.lead_source_renames)
        converted = {r["ConvertedOpportunityId"]: r["LeadSource"] for r in self.rows["Lead.csv"]}
        for opportunity in self.rows["Opportunity.csv"]:  # a converted deal keeps its lead's source
            opportunity["LeadSource"] = converted.get(opportunity["Id"], opportunity["LeadSource"])
        facts["activity_types"] = [
            {"file": file_name, **renamed}
            for file_name, old, new, share in profile.activity_type_renames
            for renamed in self.rename_values(rng, file_name, "Type", ((old, new, share),))
        ]
        for file_name in ("Task.csv", "Event.csv"):
            for row in self.rows[file_name]:
                if row["Type"] in {new for f, _o, new, _s in profile.activity_type_renames if f == file_name}:
                    row["Subject"] = f"{row['Type']} with customer" if file_name == "Event.csv" else row["Type"]
                    if file_name == "Task.csv":
                        row.update(TaskSubtype="Task", CallDurationInSeconds="", CallType="")
        labels = dict(profile.target_metric_labels)
        for target in self.rows["sales_targets.csv"]:
            target["metric"] = labels.get(str(target["metric"]), target["metric"])
        facts["target_metrics"] = {label: metric for metric, label in profile.target_metric_labels}
        facts["backdated_closes"] = self.backdate_closes(rng, profile.backdated_closes)
        facts["anomalies"] = self.plant_anomalies(rng, {d["opportunity_id"] for d in facts["backdated_closes"]})
        for file_name in profile.header_only_files:
            self.rows[file_name] = []
        facts["header_only_files"] = list(profile.header_only_files)
        facts["header_labels"] = [{"file": f, "column": c, "header": h} for f, c, h in profile.header_labels]
        facts["windows_1252_files"] = list(WINDOWS_1252_FILES)
        self.facts["company_profile"] = facts

    def relabel_roster(self, rng: random.Random, facts: dict[str, object]) -> None:
        """The company's own role names; extra staff and a lead queue that own no deals."""
        profile = self.profile
        labels, team_labels = dict(profile.role_labels), dict(profile.team_rep_labels)
        meaning: dict[str, str] = {}
        for row in self.rows["rep_roster.csv"]:
            canonical = str(row["role"])
            row["role"] = labels.get(canonical, canonical)
            if canonical == "account_executive":
                row["role"] = team_labels.get(str(row["team"]), row["role"])
            meaning[str(row["role"])] = canonical
        managers = {
            r["team"]: r["user_id"] for r in self.rows["rep_roster.csv"] if meaning[str(r["role"])] == "manager"
        }
        for label, means, title, team in profile.extra_staff:
            meaning[label] = means
            user_id, hired = self.next_id("005"), date(2023, 2, 1) + timedelta(days=rng.randrange(0, 400))
            region = next(t[1] for t in TEAMS if t[0] == team)
            self.add(
                "User.csv",
                Id=user_id,
                Name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                IsActive="true",
                CreatedDate=ts(datetime.combine(hired, time(9))),
                Title=title,
                Department="Sales",
                UserRoleId="",
                ManagerId=managers.get(team, ""),
                Email=f"sdr{user_id[-4:]}@example.com",
            )
            self.add(
                "rep_roster.csv",
                user_id=user_id,
                hire_date=iso(hired),
                termination_date="",
                team=team,
                region=region,
                territory="",
                role=label,
            )
        facts["extra_staff"] = [
            {"user_id": r["user_id"], "role": r["role"]}
            for r in self.rows["rep_roster.csv"]
            if r["role"] in {staff[0] for staff in profile.extra_staff}
        ]
        if profile.queue:
            label, means, name = profile.queue
            meaning[label] = means
            queue_id = self.next_id("005")
            self.add(
                "User.csv",
                Id=queue_id,
                Name=name,
                IsActive="true",
                CreatedDate=ts(datetime(2018, 1, 2, 8)),
                Title="",
                Department="Marketing",
                UserRoleId="",
                ManagerId="",
                Email="",
            )
            self.add(
                "rep_roster.csv",
                user_id=queue_id,
                hire_date="2018-01-02",
                termination_date="",
                team="",
                region="",
                territory="",
                role=label,
            )
            queued = [
                lead
                for lead in self.rows["Lead.csv"]
                if lead["Status"] == "Open - Not Contacted" and rng.random() < profile.queue_lead_share
            ]
            for lead in queued:
                lead["OwnerId"] = queue_id
            facts["queue"] = {"user_id": queue_id, "role": label, "owned_leads": len(queued)}
        counts: dict[str, int] = {}
        for row in self.rows["rep_roster.csv"]:
            counts[str(row["role"])] = counts.get(str(row["role"]), 0) + 1
        facts["roster_roles"] = {label: {"means": meaning.get(label, label), "rows": n} for label, n in counts.items()}

    def rename_values(
        self, rng: random.Random, file_name: str, column: str, renames: tuple[tuple[str, str, float], ...]
    ) -> list[dict[str, object]]:
        """Give a share of the rows holding a mapped value the company's own value; returns what it did."""
        done = []
        for old, new, share in renames:
            rows = [r for r in self.rows[file_name] if r[column] == old and rng.random() < share]
            for row in rows:
                row[column] = new
            done.append({"value": new, "replaces": old, "column": column, "rows": len(rows)})
        return done

    def untouchable_deals(self, ramping_too: bool = False) -> list[dict[str, object]]:
        """Deals no planted fact depends on: of honest, settled reps (or ramping hires, for changes that
        move no date), on accounts that did not churn."""
        honest = {r.user_id for r in self.reps if not r.behaviours and not r.bottleneck}
        if not ramping_too:
            honest -= {r.user_id for r in self.reps if r.ramp_first_won_days is not None}
        churned = {f["account_id"] for f in self.facts["churned_accounts"]}
        return [
            o
            for o in self.rows["Opportunity.csv"]
            if o["IsDeleted"] == "false" and o["OwnerId"] in honest and o["AccountId"] not in churned
        ]

    def plant_anomalies(self, rng: random.Random, taken: set[str]) -> list[dict[str, object]]:
        """Open deals without an account, lost deals of amount 0, won deals without an amount (history too)."""
        pools = {
            "open_opportunity_without_account": lambda o: o["IsClosed"] == "false",
            "opportunity_amount_zero": lambda o: o["IsClosed"] == "true" and o["IsWon"] == "false",
            "won_opportunity_without_amount": lambda o: o["IsWon"] == "true",
        }
        facts = []
        for rule, count in self.profile.anomalies:
            deals = self.untouchable_deals(ramping_too=True)
            candidates = [o for o in deals if o["Id"] not in taken and pools[rule](o)]
            chosen = sorted(rng.sample(candidates, k=min(count, len(candidates))), key=lambda o: str(o["Id"]))
            ids = {str(o["Id"]) for o in chosen}
            taken |= ids
            for opportunity in chosen:
                if rule == "open_opportunity_without_account":
                    opportunity["AccountId"] = ""
                else:
                    opportunity["Amount"] = "0.00" if rule == "opportunity_amount_zero" else ""
            for history in self.rows["OpportunityHistory.csv"]:
                if history["OpportunityId"] in ids and rule != "open_opportunity_without_account":
                    history["Amount"] = "0.00" if rule == "opportunity_amount_zero" else ""
            facts.append({"rule": rule, "file": "Opportunity.csv", "ids": sorted(ids)})
        return facts

    def backdate_closes(self, rng: random.Random, count: int) -> list[dict[str, str]]:
        """Won deals entered after the fact: CloseDate before CreatedDate and before any first contact
        (the converted lead's creation, any activity on the deal or its lead, any activity on the account
        in the 30 days before creation). Taken from honest, settled reps and accounts that did not churn,
        so no other planted fact moves."""
        if count <= 0:
            return []
        candidates = [
            o
            for o in self.untouchable_deals()
            if o["IsWon"] == "true" and str(o["CreatedDate"])[:10] >= iso(PERIOD_START + timedelta(days=120))
        ]
        chosen = sorted(rng.sample(candidates, k=min(count, len(candidates))), key=lambda o: str(o["Id"]))
        facts = []
        for opportunity in chosen:
            opp_id, account_id, created = opportunity["Id"], opportunity["AccountId"], str(opportunity["CreatedDate"])
            leads = [r for r in self.rows["Lead.csv"] if r["ConvertedOpportunityId"] == opp_id]
            lead_ids = {r["Id"] for r in leads}
            window_start = iso(date.fromisoformat(created[:10]) - timedelta(days=30))
            contacts = [created[:10]] + [str(r["CreatedDate"])[:10] for r in leads]
            for file_name in ("Task.csv", "Event.csv"):
                for activity in self.rows[file_name]:
                    day = str(activity["ActivityDate"])
                    if (
                        activity["WhatId"] == opp_id
                        or activity["WhoId"] in lead_ids
                        or (activity["AccountId"] == account_id and window_start <= day <= created[:10])
                    ):
                        contacts.append(day)
            first_contact = min(min(contacts), window_start)
            close = date.fromisoformat(first_contact) - timedelta(days=rng.randrange(1, 15))
            opportunity["CloseDate"] = iso(close)
            won_rows = [
                h
                for h in self.rows["OpportunityHistory.csv"]
                if h["OpportunityId"] == opp_id and h["StageName"] == "Closed Won"
            ]
            won_rows[-1]["CloseDate"] = iso(close)
            facts.append(
                {
                    "opportunity_id": str(opp_id),
                    "owner_id": str(opportunity["OwnerId"]),
                    "created_date": created[:10],
                    "first_contact_date": min(contacts),
                    "close_date": iso(close),
                }
            )
        return facts


def _forecast_category(stage: str) -> str:
    if stage == "Closed Won":
        return "Closed"
    if stage == "Closed Lost":
        return "Omitted"
    return "Commit" if STAGE_PROBABILITY[stage] >= 60 else "Pipeline"


def _poisson(rng: random.Random, mean: float) -> int:
    threshold, k, product = math.exp(-mean), 0, rng.random()
    while product > threshold:
        k += 1
        product *= rng.random()
    return k


def _accumulate(values: list[float]) -> list[float]:
    total, out = 0.0, []
    for v in values:
        total += v
        out.append(total)
    return out


def rewind_to(rows: dict[str, list[dict[str, object]]], as_of: date) -> dict[str, list[dict[str, object]]]:
    """The export as it stood at the end of `as_of` (a copy; `rows` is left alone).

    The generator simulates, so it knows what had happened by then:
    - records created after `as_of` are dropped (Contact, Lead, Opportunity, Task, Event, and Account unless a
      kept task or event is on it), with the line items of dropped opportunities; OpportunityHistory and
      OpportunityFieldHistory rows after it too;
    - an opportunity changed after `as_of` is rewound to its last OpportunityHistory row on or before it
      (stage, amount, probability, close date, forecast category; IsClosed/IsWon from that stage): a deal
      won later is open;
    - a lead converted after `as_of` is not converted yet (status "Working - Contacted", no converted ids);
    - a task completed after `as_of` is still open (Salesforce keeps the record, only its status changes
      later): status "Not Started", no completion time or call duration;
    - events dated after `as_of` stay, as planned meetings;
    - NPS responses given and marketing spend of months starting after `as_of` are dropped;
    - the roster drops reps hired after `as_of` and blanks terminations after it.
    Users, products, campaigns, conversion rates and sales targets (plans) stay as they are; descriptive
    fields without history (names, industries, owners, IsDeleted) are current values.
    """

    rewind = Rewind(as_of)
    out: dict[str, list[dict[str, object]]] = {name: [] for name in rows}
    # the order Rewind needs: activities before accounts, a deal's history and line items before the deal
    order = sorted(rows, key=lambda name: REWIND_ORDER.index(name) if name in REWIND_ORDER else -1)
    for name in order:
        for row in rows[name]:
            for file_name, kept in rewind.rows(name, dict(row)):
                out[file_name].append(kept)
    return out


REWIND_ORDER = (
    "Task.csv",
    "Event.csv",
    "Account.csv",
    "OpportunityHistory.csv",
    "OpportunityFieldHistory.csv",
    "OpportunityLineItem.csv",
    "Opportunity.csv",
)


DATED_BY = {"nps_responses.csv": "responded_at", "marketing_spend.csv": "month"}  # dropped after as_of


class Rewind:
    """rewind_to's rules, row by row, so the generator can apply them as it streams its rows: it makes an
    account's row after every task and event, and a deal's row after its history and line items."""

    def __init__(self, as_of: date) -> None:
        self.as_of = as_of
        self.touched: set[object] = set()  # accounts a kept task or event is on
        self.later: set[str] = set()  # deals with a (live) history row after as_of
        self.state: dict[str, dict[str, object]] = {}  # deal -> its last live history row on or before as_of
        self.line_items: dict[str, list[dict[str, object]]] = {}  # deal -> its line items, until its row

    def created_by(self, row: dict[str, object], column: str = "CreatedDate") -> bool:
        value = row.get(column)
        return not value or date.fromisoformat(str(value)[:10]) <= self.as_of

    def rows(self, file_name: str, row: dict[str, object]) -> list[tuple[str, dict[str, object]]]:
        """The rows to write now for this row as the generator made it (it may be changed in place)."""
        if file_name in ("Contact.csv", "Lead.csv", "Task.csv", "Event.csv") and not self.created_by(row):
            return []
        if file_name in ("Task.csv", "Event.csv"):
            if row.get("AccountId"):
                self.touched.add(row["AccountId"])
            if file_name == "Task.csv" and not self.created_by(row, "CompletedDateTime"):
                row.update(Status="Not Started", IsClosed="false", CompletedDateTime="", CallDurationInSeconds="")
        elif file_name == "Lead.csv" and not self.created_by(row, "ConvertedDate"):
            row.update(
                Status="Working - Contacted",
                IsConverted="false",
                ConvertedDate="",
                ConvertedAccountId="",
                ConvertedContactId="",
                ConvertedOpportunityId="",
            )
        elif file_name == "Account.csv" and not (self.created_by(row) or row["Id"] in self.touched):
            return []
        elif file_name in ("OpportunityHistory.csv", "OpportunityFieldHistory.csv"):
            opp_id, live = str(row["OpportunityId"]), row.get("IsDeleted") != "true"
            if not self.created_by(row):
                if live and file_name == "OpportunityHistory.csv":
                    self.later.add(opp_id)
                return []
            last = self.state.get(opp_id)
            order = (str(row["CreatedDate"]), str(row["Id"]))  # the last by this order is the deal's state
            if (
                live
                and file_name == "OpportunityHistory.csv"
                and (last is None or order >= (str(last["CreatedDate"]), str(last["Id"])))
            ):
                self.state[opp_id] = row
        elif file_name == "OpportunityLineItem.csv":
            self.line_items.setdefault(str(row["OpportunityId"]), []).append(row)
            return []
        elif file_name == "Opportunity.csv":
            opp_id = str(row["Id"])
            items = [("OpportunityLineItem.csv", item) for item in self.line_items.pop(opp_id, [])]
            last, later = self.state.pop(opp_id, None), opp_id in self.later
            self.later.discard(opp_id)
            if not self.created_by(row):
                return []
            if later and last is not None:
                stage = str(last["StageName"])
                row.update(
                    StageName=stage,
                    Amount=last["Amount"],
                    Probability=last["Probability"],
                    CloseDate=last["CloseDate"],
                    ForecastCategoryName=last["ForecastCategory"],
                    IsClosed="true" if stage in ("Closed Won", "Closed Lost") else "false",
                    IsWon="true" if stage == "Closed Won" else "false",
                )
            return [*items, (file_name, row)]
        elif file_name in DATED_BY and not self.created_by(row, DATED_BY[file_name]):
            return []
        elif file_name == "rep_roster.csv":
            if not self.created_by(row, "hire_date"):
                return []
            if not self.created_by(row, "termination_date"):
                row["termination_date"] = ""
        return [(file_name, row)]


class CsvOut:
    """One export file written row by row: the contract's columns, then the extra (custom) columns of its first
    row; quirks of real exports: Contact.csv's header in lower case, CRLF in Task.csv, Windows-1252 text."""

    def __init__(self, out: Path, spec: ExportFile, for_dbt_seed: bool, profile: CompanyProfile) -> None:
        self.path = out / spec.file_name
        self.spec = spec
        self.encoding = "utf-8" if for_dbt_seed or spec.file_name not in WINDOWS_1252_FILES else "cp1252"
        self.labels = {c: h for f, c, h in profile.header_labels if f == spec.file_name}
        self.header: list[str] = []
        self.header_out: list[str] = []
        self.rows = 0
        self._handle: io.TextIOWrapper | None = None
        self._writer = None

    def _start(self, first: dict[str, object]) -> None:
        contract_columns = [c.name for c in self.spec.columns]
        self.header = contract_columns + [k for k in first if k not in contract_columns]
        header_out = [h.lower() for h in self.header] if self.spec.file_name == "Contact.csv" else self.header
        self.header_out = [self.labels.get(h, h) for h in header_out]
        self._handle = open(self.path, "w", encoding=self.encoding, newline="", buffering=1 << 20)  # noqa: SIM115
        line_end = "\r\n" if self.spec.file_name == "Task.csv" else "\n"
        self._writer = csv.writer(self._handle, lineterminator=line_end)
        self._writer.writerow(self.header_out)

    def write(self, row: dict[str, object]) -> None:
        if self._writer is None:
            self._start(row)
        self._writer.writerow(list(map(row.get, self.header)))  # a missing or None value is written empty
        self.rows += 1

    def close(self) -> list[str]:
        """Finish the file (a file without rows gets its header) and return the header as written."""
        if self._writer is None:
            self._start({})
        self._handle.close()
        return self.header_out


def open_export(out: Path, for_dbt_seed: bool, profile: CompanyProfile) -> dict[str, CsvOut]:
    out.mkdir(parents=True, exist_ok=True)
    return {spec.file_name: CsvOut(out, spec, for_dbt_seed, profile) for spec in EXPORT_FILES}


def write_export(generator: Generator, files: dict[str, CsvOut], out: Path, for_dbt_seed: bool) -> None:
    """Write the rows still in memory, close every file, then the seed properties and planted_facts.json."""
    seed_headers: dict[str, list[str]] = {}
    for spec in EXPORT_FILES:
        csv_out = files[spec.file_name]
        if spec.file_name not in generator.streams:
            for row in generator.rows[spec.file_name]:
                csv_out.write(row)
        seed_headers[spec.table_name] = csv_out.close()
    if for_dbt_seed:
        write_seed_properties(out, seed_headers)
    facts = dict(generator.facts)
    facts["period"] = {"start": iso(PERIOD_START), "end": iso(PERIOD_END), "export_timestamp": ts(EXPORT_TIMESTAMP)}
    facts["row_counts"] = {spec.file_name: generator.row_count(spec.file_name) for spec in EXPORT_FILES}
    (out / "planted_facts.json").write_text(json.dumps(facts, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def write_seed_properties(out: Path, headers: dict[str, list[str]]) -> None:
    """dbt seed properties: every column lands as text, exactly like the loader path, so one set of
    staging models parses both. Column types are keyed by the header as written (case included)."""
    lines = ["# Written by scripts/generate_sample.py --for-dbt-seed: do not edit by hand.", "version: 2", "seeds:"]
    for table, header in headers.items():
        lines += [
            f"  - name: {table}",
            f"    description: Sample export file {table}.csv, every column as text; parsed in staging.",
            "    config:",
            "      column_types:",
        ]
        lines += [f"        {column}: varchar" for column in header]
    (out / "_sample_export__seeds.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="size multiplier (default 1: ~25 reps, ~3,000 opportunities)"
    )
    parser.add_argument("--out", type=Path, required=True, help="folder to write the CSV files into")
    parser.add_argument(
        "--for-dbt-seed", action="store_true", help="write every file as UTF-8 (dbt seed reads nothing else)"
    )
    parser.add_argument(
        "--company",
        choices=sorted(COMPANIES),
        default=SAMPLE_COMPANY.name,
        help="whose words the export uses (default sample: the vocabulary of seeds/reference; see above)",
    )
    parser.add_argument(
        "--as-of",
        type=date.fromisoformat,
        help="write the export as it stood at the end of this day (YYYY-MM-DD; see rewind_to)",
    )
    parser.add_argument("--progress", action="store_true", help="show each step of the simulation and its time")
    options = parser.parse_args(argv)
    if options.scale <= 0:
        parser.error("--scale must be positive")
    if options.progress:
        from progress import Display  # rich: only needed here

        with Display(tag="generate") as display:
            return generate(options, display.phase)
    return generate(options)


def generate(options: argparse.Namespace, phase: Callable[[str], AbstractContextManager[None]] | None = None) -> int:
    step = phase or (lambda _title: contextlib.nullcontext())
    profile = COMPANIES[options.company]
    generator = Generator(options.seed, options.scale, profile)
    files = open_export(options.out, options.for_dbt_seed, profile)
    if profile == SAMPLE_COMPANY:
        rewind = Rewind(options.as_of) if options.as_of is not None else None
        generator.stream_to({name: files[name] for name in STREAMED_FILES}, rewind)
    elif options.as_of is None:  # another company rewrites some files at the end; --as-of rewinds them after
        generator.stream_to({name: files[name] for name in STREAMED_FILES if name not in REWRITTEN_BY_PROFILE})
    generator.run(phase)
    with step("writing the files still in memory"):
        if options.as_of is not None:  # the rows still in memory (Rewind did the streamed ones)
            generator.rows = rewind_to(generator.rows, options.as_of)
        write_export(generator, files, options.out, options.for_dbt_seed)
    counts = ", ".join(f"{s.table_name} {generator.row_count(s.file_name):,}" for s in EXPORT_FILES)
    print(f"wrote {options.out}: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
