"""The raw sources of CONTRACT §3, as data.

This registry is the single place that knows what a source looks like: ingestion validates
against it, the sample generator writes it, dbt's `sources.yml` mirrors it (a test keeps the
two in step). Column order here is the order of the loaded warehouse table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["text", "int", "bool", "date", "timestamp"]
SourceKind = Literal["reference", "event"]

ITEM_TYPES = (
    "行政许可",
    "行政给付",
    "行政确认",
    "行政奖励",
    "行政裁决",
    "行政征收",
    "行政检查",
    "行政处罚",
    "行政强制",
    "其他行政权力",
    "公共服务",
)


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType = "text"
    required: bool = False
    pii: bool = False
    enum: tuple[str, ...] | None = None
    min_value: int | None = None  # inclusive lower bound for ints
    max_value: int | None = None  # inclusive upper bound for ints


@dataclass(frozen=True)
class Source:
    name: str
    kind: SourceKind
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    # Event sources: the column that orders versions of one key.
    version_column: str | None = None
    # Checked against the snapshot's departments (reason: unknown department).
    dept_column: str | None = None
    description: str = ""
    extra_rules: tuple[str, ...] = field(default=())

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def pii_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.pii)


def _c(name: str, type: ColumnType = "text", **kw) -> Column:
    return Column(name=name, type=type, **kw)


SOURCES: tuple[Source, ...] = (
    Source(
        name="regions",
        kind="reference",
        key=("region_code",),
        columns=(
            _c("region_code", required=True),
            _c("region_name", required=True),
            _c("level", required=True, enum=("province", "city", "county")),
            _c("parent_code"),
            _c("direct_admin", "bool"),
        ),
        description="Administrative divisions (GB/T 2260).",
    ),
    Source(
        name="population",
        kind="reference",
        key=("region_code", "year"),
        columns=(
            _c("region_code", required=True),
            _c("year", "int", required=True),
            _c("resident_population", "int", required=True, min_value=1),
        ),
        description="Resident population per region and year.",
    ),
    Source(
        name="departments",
        kind="reference",
        key=("dept_id",),
        columns=(
            _c("dept_id", required=True),
            _c("dept_name", required=True),
            _c("region_code", required=True),
            _c("uscc"),
            _c("is_tax", "bool"),
        ),
        description="Departments on the unified user-management and authentication platform.",
    ),
    Source(
        name="e_seals",
        kind="reference",
        key=("seal_id",),
        columns=(
            _c("seal_id", required=True),
            _c("dept_id", required=True),
            _c("uscc", required=True),
            _c("status", required=True, enum=("active", "revoked")),
            _c("created_at", "timestamp"),
        ),
        dept_column="dept_id",
        description="Electronic seals.",
    ),
    Source(
        name="service_items",
        kind="reference",
        key=("item_code",),
        columns=(
            _c("item_code", required=True),
            _c("item_name", required=True),
            _c("dept_id", required=True),
            _c("item_type", required=True, enum=ITEM_TYPES),
            _c("published", "bool", required=True),
            _c("handling_type", enum=("即办件", "承诺件")),
            _c("zero_visit", "bool"),
            _c("legal_limit_days", "int", min_value=0),
            _c("promised_limit_days", "int", min_value=0),
            _c("result_spec"),
            _c("unified_acceptance", "bool"),
        ),
        dept_column="dept_id",
        description="The service-item publication library (发布库).",
        extra_rules=("promised_limit_days <= legal_limit_days",),
    ),
    Source(
        name="item_steps",
        kind="reference",
        key=("item_code", "step_no"),
        columns=(
            _c("item_code", required=True),
            _c("step_no", "int", required=True),
            _c("step_name"),
            _c("handler"),
            _c("time_limit_days", "int"),
            _c("review_criteria"),
        ),
        description="Handling steps of service items (办理流程).",
    ),
    Source(
        name="cases",
        kind="event",
        key=("case_id",),
        columns=(
            _c("case_id", required=True),
            _c("item_code", required=True),
            _c("dept_id", required=True),
            _c("channel", required=True, enum=("online", "mobile", "window", "kiosk", "other")),
            _c("accepted_at", "timestamp", required=True),
            _c("completed_at", "timestamp"),
            _c("qc_passed", "bool", required=True),
            _c("applicant_id", pii=True),
            _c("applicant_name", pii=True),
            _c("applicant_phone", pii=True),
            _c("updated_at", "timestamp", required=True),
        ),
        version_column="updated_at",
        dept_column="dept_id",
        description="Case records (办件), delivered as deltas.",
    ),
    Source(
        name="evaluations",
        kind="event",
        key=("eval_id",),
        columns=(
            _c("eval_id", required=True),
            _c("case_id"),
            _c("item_code", required=True),
            _c("dept_id", required=True),
            _c("source", required=True, enum=("active", "default")),
            _c("rating", "int", required=True, min_value=1, max_value=5),
            _c("evaluated_at", "timestamp", required=True),
            _c("rectify_due_at", "timestamp"),
            _c("rectified_at", "timestamp"),
            _c("evaluator_id", pii=True),
            _c("comment", pii=True),
            _c("updated_at", "timestamp", required=True),
        ),
        version_column="updated_at",
        dept_column="dept_id",
        description="Ratings (好差评), delivered as deltas.",
        extra_rules=("rectify_due_at required when source = active and rating <= 2",),
    ),
    Source(
        name="tickets",
        kind="event",
        key=("ticket_id",),
        columns=(
            _c("ticket_id", required=True),
            _c("kind", required=True, enum=("consultation", "complaint")),
            _c("dept_id", required=True),
            _c("received_at", "timestamp", required=True),
            _c("due_at", "timestamp", required=True),
            _c("closed_at", "timestamp"),
            _c("requester_name", pii=True),
            _c("requester_phone", pii=True),
            _c("updated_at", "timestamp", required=True),
        ),
        version_column="updated_at",
        dept_column="dept_id",
        description="Consultations and complaints (咨询投诉), delivered as deltas.",
    ),
    Source(
        name="license_types",
        kind="reference",
        key=("type_code",),
        columns=(
            _c("type_code", required=True),
            _c("type_name", required=True),
            _c("level", required=True, enum=("province", "city")),
            _c("issuer_dept_id"),
            _c("issuer_category"),
            _c("national_standard", "bool"),
        ),
        description="The e-licence responsibility list (电子证照责任清单).",
        extra_rules=("issuer_dept_id required when level = province",),
    ),
    Source(
        name="license_stats",
        kind="reference",
        key=("type_code", "issuer_dept_id"),
        columns=(
            _c("type_code", required=True),
            _c("issuer_dept_id", required=True),
            _c("issued_count", "int", required=True, min_value=0),
            _c("sealed_count", "int", required=True, min_value=0),
            _c("conformant_count", "int", required=True, min_value=0),
        ),
        dept_column="issuer_dept_id",
        description="E-licence library counts per type and issuing department.",
        extra_rules=("conformant_count <= sealed_count <= issued_count",),
    ),
    Source(
        name="auth_systems",
        kind="reference",
        key=("system_id",),
        columns=(
            _c("system_id", required=True),
            _c("system_name", required=True),
            _c("dept_id", required=True),
            _c("url"),
            _c("integration_started", "bool", required=True),
            _c("integrated", "bool", required=True),
        ),
        dept_column="dept_id",
        description="Business systems and single sign-on status (统一身份认证).",
    ),
    Source(
        name="branch_hall_items",
        kind="reference",
        key=("region_code", "item_code"),
        columns=(
            _c("region_code", required=True),
            _c("item_code", required=True),
            _c("item_name"),
            _c("is_query", "bool", required=True),
            _c("online_at", "timestamp"),
        ),
        description="Items connected to a city's branch hall (分厅).",
    ),
)

SOURCES_BY_NAME: dict[str, Source] = {s.name: s for s in SOURCES}

# departments must be loaded before the sources whose dept_id is checked against it.
LOAD_ORDER: tuple[str, ...] = tuple(["departments"] + [s.name for s in SOURCES if s.name != "departments"])


def get_source(name: str) -> Source:
    try:
        return SOURCES_BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown source {name!r}; known: {', '.join(SOURCES_BY_NAME)}") from None
