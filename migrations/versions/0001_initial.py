"""Initial schema: configuration tables, event tables and the seed's defaults.

Enum columns are VARCHAR(32) holding the values of the enums in ``yeastar_ctl.db.enums``
(no CHECK constraints: the services validate, and new values need no migration). Datetimes
are ``timestamptz`` on PostgreSQL; on SQLite they are stored as UTC text.

Revision ID: 0001_initial
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _number(name: str, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(10), nullable=nullable)


def _text(name: str, length: int, nullable: bool = True) -> sa.Column[str]:
    return sa.Column(name, sa.String(length), nullable=nullable)


def _enum(name: str, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(32), nullable=nullable)


def _flag(name: str) -> sa.Column[bool]:
    return sa.Column(name, sa.Boolean(), nullable=False)


def _int(name: str, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), nullable=nullable)


def _when(name: str, nullable: bool = False) -> sa.Column[sa.DateTime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _prompt(name: str) -> sa.Column[str]:
    return _text(name, 128)


def _target(name: str) -> sa.Column[str]:
    return _text(name, 64)


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def _unique(table: str, *columns: str) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(*columns, name=op.f(f"uq_{table}_{'_'.join(columns)}"))


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def _index(table: str, *columns: str) -> None:
    op.create_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns))


def upgrade() -> None:
    op.create_table(
        "extensions",
        _id(),
        _number("number"),
        _text("name", 64, nullable=False),
        _text("email", 254),
        _text("sip_secret", 64, nullable=False),
        _enum("presence"),
        _when("created_at"),
        _pk("extensions"),
        _unique("extensions", "number"),
    )
    op.create_table(
        "queues",
        _id(),
        _number("number"),
        _text("name", 64, nullable=False),
        # Basic
        _flag("skill_based_routing"),
        _enum("ring_strategy"),
        _enum("equal_skill_strategy"),
        _int("max_wait_seconds"),
        _enum("failover_type"),
        _target("failover_target"),
        _prompt("failover_prompt"),
        _flag("time_condition_enabled"),
        _text("time_zone", 64),
        _enum("outside_hours_dest_type"),
        _target("outside_hours_dest_target"),
        _enum("holiday_dest_type"),
        _target("holiday_dest_target"),
        _flag("ignore_holiday_destination"),
        _flag("play_holiday_prompt"),
        # Agent options
        _int("agent_timeout_seconds"),
        _int("retry_interval_seconds"),
        _int("wrapup_seconds"),
        _prompt("agent_announcement"),
        _flag("ring_in_use"),
        _flag("auto_pause_enabled"),
        _int("auto_pause_threshold"),
        _flag("show_missed_on_phone"),
        # Prompt
        _prompt("join_announcement"),
        _flag("play_full_join_announcement"),
        _prompt("ringback_tone"),
        _text("music_on_hold", 128, nullable=False),
        _prompt("periodic_announcement"),
        _int("periodic_frequency_seconds"),
        _flag("announce_position"),
        _flag("announce_hold_time"),
        _flag("thank_you_prompt"),
        _int("position_frequency_seconds"),
        _flag("agent_id_announcement"),
        _text("prompt_language", 16, nullable=False),
        # Preferences
        _text("alert_info", 128),
        _prompt("linkus_ringtone"),
        _int("max_callers"),
        _flag("leave_when_empty"),
        _text("leave_empty_conditions", 128, nullable=False),  # comma list
        _flag("join_empty_disallowed"),
        _text("join_empty_conditions", 128, nullable=False),  # comma list
        _flag("callback_enabled"),
        _enum("callback_method"),
        _text("callback_digit", 1),
        _int("callback_auto_timeout_seconds"),
        _text("callback_outbound_prefix", 16),
        _enum("callback_timeout_mode"),
        _int("callback_timeout_seconds", nullable=True),
        _flag("priority_enabled"),
        _int("weight"),
        _flag("acceleration_enabled"),
        _int("acceleration_seconds"),
        _int("sla_seconds"),
        _int("sla_eval_interval_minutes"),
        _int("sla_alarm_threshold_percent"),
        _flag("survey_enabled"),
        _prompt("survey_prompt"),
        _prompt("survey_end_prompt"),
        sa.Column("survey_points", sa.JSON(), nullable=False),  # {"key": points}
        _text("key_press_key", 1),
        _enum("key_press_dest_type"),
        _target("key_press_dest_target"),
        _flag("record_calls"),
        _when("created_at"),
        _pk("queues"),
        _unique("queues", "number"),
    )
    op.create_table(
        "queue_members",
        _id(),
        _int("queue_id"),
        _int("extension_id"),
        _enum("kind"),
        _int("skill_level"),
        _int("position"),
        _pk("queue_members"),
        _unique("queue_members", "queue_id", "extension_id"),
        sa.CheckConstraint(
            "skill_level BETWEEN 1 AND 99", name=op.f("ck_queue_members_skill_level_range")
        ),
        _fk("queue_members", "queue_id", "queues", "CASCADE"),
        _fk("queue_members", "extension_id", "extensions", "CASCADE"),
    )
    _index("queue_members", "extension_id")
    op.create_table(
        "queue_managers",
        _id(),
        _int("queue_id"),
        _int("extension_id"),
        _flag("notify_missed"),
        _flag("notify_abandoned"),
        _flag("notify_sla"),
        _flag("notify_auto_pause"),
        _flag("notify_callback_request"),
        _flag("notify_callback_failed"),
        _pk("queue_managers"),
        _unique("queue_managers", "queue_id", "extension_id"),
        _fk("queue_managers", "queue_id", "queues", "CASCADE"),
        _fk("queue_managers", "extension_id", "extensions", "CASCADE"),
    )
    _index("queue_managers", "extension_id")
    pause_reasons = op.create_table(
        "pause_reasons",
        _id(),
        _text("code", 8, nullable=False),
        _text("name", 64, nullable=False),
        _int("position"),
        _pk("pause_reasons"),
        _unique("pause_reasons", "code"),
        _unique("pause_reasons", "name"),
    )
    feature_codes = op.create_table(
        "feature_codes",
        _id(),
        _enum("key"),
        _text("code", 16, nullable=False),
        _flag("enabled"),
        _pk("feature_codes"),
        _unique("feature_codes", "key"),
    )
    queue_options = op.create_table(
        "queue_options",
        _id(),
        _flag("shared_wrapup"),
        _enum("default_dynamic_status"),
        _flag("disposition_auto_sync_enabled"),
        _int("disposition_auto_sync_hours"),
        _pk("queue_options"),
        sa.CheckConstraint("id = 1", name=op.f("ck_queue_options_single_row")),
    )

    op.create_table(
        "queue_calls",
        sa.Column("id", sa.String(40), nullable=False),
        _int("queue_id", nullable=True),
        _number("queue_number"),
        _text("caller_number", 64, nullable=False),
        _text("caller_name", 128),
        _when("joined_at"),
        _when("answered_at", nullable=True),
        _when("ended_at", nullable=True),
        _number("agent_extension", nullable=True),
        _enum("status"),
        _int("ring_seconds"),
        _int("talk_seconds"),
        _int("hold_seconds"),
        sa.Column("reason", sa.Text(), nullable=True),
        _text("channel_id", 128),
        _pk("queue_calls"),
        _fk("queue_calls", "queue_id", "queues", "SET NULL"),
    )
    _index("queue_calls", "queue_id")
    _index("queue_calls", "joined_at")
    _index("queue_calls", "queue_number", "joined_at")
    op.create_table(
        "ring_attempts",
        _id(),
        sa.Column("queue_call_id", sa.String(40), nullable=False),
        _number("agent_extension"),
        _when("started_at"),
        _when("ended_at", nullable=True),
        _enum("result", nullable=True),
        _pk("ring_attempts"),
        _fk("ring_attempts", "queue_call_id", "queue_calls", "CASCADE"),
    )
    _index("ring_attempts", "queue_call_id")
    op.create_table(
        "agent_events",
        _id(),
        _when("at"),
        _number("agent_extension"),
        _number("queue_number", nullable=True),
        _enum("kind"),
        _text("reason_code", 8),
        _enum("source"),
        _pk("agent_events"),
    )
    _index("agent_events", "at")
    _index("agent_events", "agent_extension", "at")

    # The seed's defaults.
    op.bulk_insert(
        pause_reasons,
        [
            {"code": "*01", "name": "Lunch", "position": 1},
            {"code": "*02", "name": "Break", "position": 2},
            {"code": "*03", "name": "Wrap up", "position": 3},
        ],
    )
    op.bulk_insert(
        feature_codes,
        [
            {"key": "login_toggle", "code": "*7", "enabled": True},
            {"key": "pause_toggle", "code": "*07", "enabled": True},
            {"key": "login_all", "code": "*77", "enabled": True},
            {"key": "logout_all", "code": "*077", "enabled": True},
            {"key": "login_last", "code": "*78", "enabled": True},
        ],
    )
    op.bulk_insert(
        queue_options,
        [
            {
                "id": 1,
                "shared_wrapup": False,
                "default_dynamic_status": "logged_out",
                "disposition_auto_sync_enabled": False,
                "disposition_auto_sync_hours": 24,
            }
        ],
    )


def downgrade() -> None:
    for table in (
        "agent_events",
        "ring_attempts",
        "queue_calls",
        "queue_options",
        "feature_codes",
        "pause_reasons",
        "queue_managers",
        "queue_members",
        "queues",
        "extensions",
    ):
        op.drop_table(table)
