"""Configuration tables: what an administrator edits in the portal."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from yeastar_ctl.db.base import Base
from yeastar_ctl.db.enums import (
    CallbackMethod,
    CallbackTimeoutMode,
    DestinationType,
    DynamicAgentStatus,
    EmptyCondition,
    FeatureCodeKey,
    MemberKind,
    Presence,
    PresenceAction,
    RingStrategy,
)
from yeastar_ctl.db.queue_settings import DEFAULT_QUEUE_SETTINGS as D
from yeastar_ctl.db.queue_settings import QUEUE_SETTING_NAMES, QueueSettings
from yeastar_ctl.db.types import EnumTuple, KeyPointPairs, KeyPoints, utcnow

NUMBER_LENGTH = 10
NAME_LENGTH = 64
PROMPT_LENGTH = 128
TARGET_LENGTH = 64


def _prompt() -> Mapped[str | None]:
    return mapped_column(String(PROMPT_LENGTH))


def _target() -> Mapped[str | None]:
    return mapped_column(String(TARGET_LENGTH))


class Extension(Base):
    __tablename__ = "extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(NUMBER_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    email: Mapped[str | None] = mapped_column(String(254))
    sip_secret: Mapped[str] = mapped_column(String(64))
    presence: Mapped[Presence] = mapped_column(default=Presence.AVAILABLE)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Extension {self.number} {self.name!r}>"


class Queue(Base):
    __tablename__ = "queues"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(NUMBER_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    # Basic
    skill_based_routing: Mapped[bool] = mapped_column(default=D.skill_based_routing)
    ring_strategy: Mapped[RingStrategy] = mapped_column(default=D.ring_strategy)
    equal_skill_strategy: Mapped[RingStrategy] = mapped_column(default=D.equal_skill_strategy)
    max_wait_seconds: Mapped[int] = mapped_column(default=D.max_wait_seconds)
    failover_type: Mapped[DestinationType] = mapped_column(default=D.failover_type)
    failover_target: Mapped[str | None] = _target()
    failover_prompt: Mapped[str | None] = _prompt()
    time_condition_enabled: Mapped[bool] = mapped_column(default=D.time_condition_enabled)
    time_zone: Mapped[str | None] = mapped_column(String(64))
    outside_hours_dest_type: Mapped[DestinationType] = mapped_column(
        default=D.outside_hours_dest_type
    )
    outside_hours_dest_target: Mapped[str | None] = _target()
    holiday_dest_type: Mapped[DestinationType] = mapped_column(default=D.holiday_dest_type)
    holiday_dest_target: Mapped[str | None] = _target()
    ignore_holiday_destination: Mapped[bool] = mapped_column(default=D.ignore_holiday_destination)
    play_holiday_prompt: Mapped[bool] = mapped_column(default=D.play_holiday_prompt)
    # Agent options
    agent_timeout_seconds: Mapped[int] = mapped_column(default=D.agent_timeout_seconds)
    retry_interval_seconds: Mapped[int] = mapped_column(default=D.retry_interval_seconds)
    wrapup_seconds: Mapped[int] = mapped_column(default=D.wrapup_seconds)
    agent_announcement: Mapped[str | None] = _prompt()
    ring_in_use: Mapped[bool] = mapped_column(default=D.ring_in_use)
    auto_pause_enabled: Mapped[bool] = mapped_column(default=D.auto_pause_enabled)
    auto_pause_threshold: Mapped[int] = mapped_column(default=D.auto_pause_threshold)
    show_missed_on_phone: Mapped[bool] = mapped_column(default=D.show_missed_on_phone)
    # Prompt
    join_announcement: Mapped[str | None] = _prompt()
    play_full_join_announcement: Mapped[bool] = mapped_column(
        default=D.play_full_join_announcement
    )
    ringback_tone: Mapped[str | None] = _prompt()
    music_on_hold: Mapped[str] = mapped_column(String(PROMPT_LENGTH), default=D.music_on_hold)
    periodic_announcement: Mapped[str | None] = _prompt()
    periodic_frequency_seconds: Mapped[int] = mapped_column(default=D.periodic_frequency_seconds)
    announce_position: Mapped[bool] = mapped_column(default=D.announce_position)
    announce_hold_time: Mapped[bool] = mapped_column(default=D.announce_hold_time)
    thank_you_prompt: Mapped[bool] = mapped_column(default=D.thank_you_prompt)
    position_frequency_seconds: Mapped[int] = mapped_column(default=D.position_frequency_seconds)
    agent_id_announcement: Mapped[bool] = mapped_column(default=D.agent_id_announcement)
    prompt_language: Mapped[str] = mapped_column(String(16), default=D.prompt_language)
    # Preferences
    alert_info: Mapped[str | None] = mapped_column(String(PROMPT_LENGTH))
    linkus_ringtone: Mapped[str | None] = _prompt()
    max_callers: Mapped[int] = mapped_column(default=D.max_callers)
    leave_when_empty: Mapped[bool] = mapped_column(default=D.leave_when_empty)
    leave_empty_conditions: Mapped[tuple[EmptyCondition, ...]] = mapped_column(
        EnumTuple(EmptyCondition), default=D.leave_empty_conditions
    )
    join_empty_disallowed: Mapped[bool] = mapped_column(default=D.join_empty_disallowed)
    join_empty_conditions: Mapped[tuple[EmptyCondition, ...]] = mapped_column(
        EnumTuple(EmptyCondition), default=D.join_empty_conditions
    )
    callback_enabled: Mapped[bool] = mapped_column(default=D.callback_enabled)
    callback_method: Mapped[CallbackMethod] = mapped_column(default=D.callback_method)
    callback_digit: Mapped[str | None] = mapped_column(String(1), default=D.callback_digit)
    callback_auto_timeout_seconds: Mapped[int] = mapped_column(
        default=D.callback_auto_timeout_seconds
    )
    callback_outbound_prefix: Mapped[str | None] = mapped_column(String(16))
    callback_timeout_mode: Mapped[CallbackTimeoutMode] = mapped_column(
        default=D.callback_timeout_mode
    )
    callback_timeout_seconds: Mapped[int | None] = mapped_column(Integer)
    priority_enabled: Mapped[bool] = mapped_column(default=D.priority_enabled)
    weight: Mapped[int] = mapped_column(default=D.weight)
    acceleration_enabled: Mapped[bool] = mapped_column(default=D.acceleration_enabled)
    acceleration_seconds: Mapped[int] = mapped_column(default=D.acceleration_seconds)
    sla_seconds: Mapped[int] = mapped_column(default=D.sla_seconds)
    sla_eval_interval_minutes: Mapped[int] = mapped_column(default=D.sla_eval_interval_minutes)
    sla_alarm_threshold_percent: Mapped[int] = mapped_column(
        default=D.sla_alarm_threshold_percent
    )
    survey_enabled: Mapped[bool] = mapped_column(default=D.survey_enabled)
    survey_prompt: Mapped[str | None] = _prompt()
    survey_end_prompt: Mapped[str | None] = _prompt()
    survey_points: Mapped[KeyPointPairs] = mapped_column(KeyPoints(), default=D.survey_points)
    key_press_key: Mapped[str | None] = mapped_column(String(1))
    key_press_dest_type: Mapped[DestinationType] = mapped_column(default=D.key_press_dest_type)
    key_press_dest_target: Mapped[str | None] = _target()
    record_calls: Mapped[bool] = mapped_column(default=D.record_calls)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # The database cascades deletes (passive_deletes), so deleting a queue never has to load
    # its rows first; lazy="raise" makes a forgotten eager load fail loudly under asyncio.
    members: Mapped[list[QueueMember]] = relationship(
        back_populates="queue", passive_deletes=True, lazy="raise"
    )
    managers: Mapped[list[QueueManager]] = relationship(
        back_populates="queue", passive_deletes=True, lazy="raise"
    )

    @property
    def settings(self) -> QueueSettings:
        return QueueSettings(**{name: getattr(self, name) for name in QUEUE_SETTING_NAMES})

    def apply_settings(self, settings: QueueSettings) -> None:
        for name, value in asdict(settings).items():
            setattr(self, name, value)

    def __repr__(self) -> str:
        return f"<Queue {self.number} {self.name!r}>"


class QueueMember(Base):
    __tablename__ = "queue_members"
    __table_args__ = (
        UniqueConstraint("queue_id", "extension_id"),
        CheckConstraint("skill_level BETWEEN 1 AND 99", name="skill_level_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id", ondelete="CASCADE"))
    extension_id: Mapped[int] = mapped_column(
        ForeignKey("extensions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[MemberKind]
    skill_level: Mapped[int] = mapped_column(default=1)
    # Order within its kind's list: the static list order drives linear and rrmemory.
    position: Mapped[int]

    queue: Mapped[Queue] = relationship(back_populates="members", lazy="raise")
    extension: Mapped[Extension] = relationship(lazy="raise")


class QueueManager(Base):
    __tablename__ = "queue_managers"
    __table_args__ = (UniqueConstraint("queue_id", "extension_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id", ondelete="CASCADE"))
    extension_id: Mapped[int] = mapped_column(
        ForeignKey("extensions.id", ondelete="CASCADE"), index=True
    )
    notify_missed: Mapped[bool] = mapped_column(default=False)
    notify_abandoned: Mapped[bool] = mapped_column(default=False)
    notify_sla: Mapped[bool] = mapped_column(default=False)
    notify_auto_pause: Mapped[bool] = mapped_column(default=False)
    notify_callback_request: Mapped[bool] = mapped_column(default=False)
    notify_callback_failed: Mapped[bool] = mapped_column(default=False)

    queue: Mapped[Queue] = relationship(back_populates="managers", lazy="raise")
    extension: Mapped[Extension] = relationship(lazy="raise")


class PresenceRule(Base):
    """Per extension and presence, the seed's "Agent Status Auto Switch" (no row: Do Nothing)."""

    __tablename__ = "presence_rules"
    __table_args__ = (UniqueConstraint("extension_id", "presence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    extension_id: Mapped[int] = mapped_column(ForeignKey("extensions.id", ondelete="CASCADE"))
    presence: Mapped[Presence]
    action: Mapped[PresenceAction]
    reason_code: Mapped[str | None] = mapped_column(String(8))


class BusinessHours(Base):
    """One weekly opening period (seed, Business Hours and Holidays), in the queue's time zone."""

    __tablename__ = "business_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    weekday: Mapped[int]  # 0 = Monday .. 6 = Sunday
    start: Mapped[str] = mapped_column(String(5))  # "HH:MM"
    end: Mapped[str] = mapped_column(String(5))  # "HH:MM", after start


class Holiday(Base):
    __tablename__ = "holidays"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    first_day: Mapped[str] = mapped_column(String(10))  # "YYYY-MM-DD", inclusive
    last_day: Mapped[str] = mapped_column(String(10))
    prompt: Mapped[str | None] = mapped_column(String(128))


class PauseReason(Base):
    __tablename__ = "pause_reasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    position: Mapped[int]


class FeatureCode(Base):
    __tablename__ = "feature_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[FeatureCodeKey] = mapped_column(unique=True)
    code: Mapped[str] = mapped_column(String(16))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)


QUEUE_OPTIONS_ID = 1


class QueueOptions(Base):
    """The one row of PBX-wide queue options (the seed's Queue > Options dialog)."""

    __tablename__ = "queue_options"
    __table_args__ = (CheckConstraint(f"id = {QUEUE_OPTIONS_ID}", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    shared_wrapup: Mapped[bool] = mapped_column(default=False)
    default_dynamic_status: Mapped[DynamicAgentStatus] = mapped_column(
        default=DynamicAgentStatus.LOGGED_OUT
    )
    disposition_auto_sync_enabled: Mapped[bool] = mapped_column(default=False)
    disposition_auto_sync_hours: Mapped[int] = mapped_column(default=24)
