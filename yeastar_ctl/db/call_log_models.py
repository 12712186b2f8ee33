"""Queue call logs and Queue Panel Permissions.

A call log is a ``queue_calls`` row seen through these tables: the processing status of a
missed or abandoned call (every change kept, the newest is the current one), the call notes,
and whether the log was deleted. Deleting a log only hides it from the call logs: the event row
stays, because the reports are computed from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from yeastar_ctl.db.account_models import USERNAME_LENGTH
from yeastar_ctl.db.base import Base
from yeastar_ctl.db.config_models import NUMBER_LENGTH

DISPOSITION_LENGTH: Final = 64
REMARK_LENGTH: Final = 1000


class ProcessingStatus(StrEnum):
    """Seed: "Manage processing status of missed or abandoned queue calls, including not deal,
    dealing, and dealt". Declaration order is the forward order auto-sync follows."""

    NOT_DEALT = "not_dealt"
    DEALING = "dealing"
    DEALT = "dealt"


class CallLogMembers(StrEnum):
    """Which of a queue's agents may view its call logs (seed: Member All / Specified Agent)."""

    ALL = "all"
    SPECIFIED = "specified"


class CallLogViewRange(StrEnum):
    """Seed, View Range: All; Incoming call (the queue calls the agent answered); Missed call
    (the queue's missed calls with their processing status)."""

    ALL = "all"
    INCOMING = "incoming"
    MISSED = "missed"


@dataclass(frozen=True)
class PanelPermissions:
    """A queue's Queue Panel Permissions tab: the Manager and the Agents checkboxes of the seed's
    Call Center Console permissions table, and who of the agents sees which call logs.

    The seed shows no defaults except the call-log access (Member All, View Range All): managers
    get every permission of their column, agents none until an administrator ticks them
    (docs/decisions.md).
    """

    manager_access_wallboard: bool = True
    manager_access_queue_panel: bool = True
    manager_switch_agent_status: bool = True
    manager_call_distribution: bool = True
    manager_pickup_hangup: bool = True
    manager_call_monitoring: bool = True
    manager_call_parking: bool = True
    manager_switch_recording: bool = True
    manager_contacts_matching: bool = True
    manager_missed_call_logs: bool = True
    manager_delete_missed_call_logs: bool = True
    agent_access_wallboard: bool = False
    agent_access_queue_panel: bool = False
    agent_call_distribution: bool = False
    agent_pickup_hangup: bool = False
    agent_call_parking: bool = False
    agent_contacts_matching: bool = False
    agent_queue_call_logs: bool = False
    agent_call_log_members: CallLogMembers = CallLogMembers.ALL
    agent_call_log_agents: tuple[str, ...] = ()  # extension numbers, for SPECIFIED
    agent_call_log_view_range: CallLogViewRange = CallLogViewRange.ALL


DEFAULT_PANEL_PERMISSIONS: Final = PanelPermissions()
P = DEFAULT_PANEL_PERMISSIONS


class CallProcessingChange(Base):
    """One change of a missed or abandoned call's processing status (no row yet: Not Dealt).

    ``auto_sync`` marks a change copied from an update of another call by the same caller to
    the same queue; its operator is whoever made that update (the seed shows both)."""

    __tablename__ = "call_processing_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_call_id: Mapped[str] = mapped_column(ForeignKey("queue_calls.id", ondelete="CASCADE"), index=True)
    status: Mapped[ProcessingStatus]
    operator: Mapped[str] = mapped_column(String(USERNAME_LENGTH))
    operator_extension: Mapped[str | None] = mapped_column(String(NUMBER_LENGTH))
    at: Mapped[datetime]
    auto_sync: Mapped[bool] = mapped_column(default=False)


class CallNote(Base):
    """A call note: a disposition code and a remark (seed, "Add call notes")."""

    __tablename__ = "call_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_call_id: Mapped[str] = mapped_column(ForeignKey("queue_calls.id", ondelete="CASCADE"), index=True)
    disposition: Mapped[str | None] = mapped_column(String(DISPOSITION_LENGTH))
    remark: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(USERNAME_LENGTH))
    author_extension: Mapped[str | None] = mapped_column(String(NUMBER_LENGTH))
    at: Mapped[datetime]


class CallLogDeletion(Base):
    """A call log someone deleted: hidden from every call-log list, still counted in reports."""

    __tablename__ = "call_log_deletions"

    queue_call_id: Mapped[str] = mapped_column(
        ForeignKey("queue_calls.id", ondelete="CASCADE"), primary_key=True
    )
    deleted_by: Mapped[str] = mapped_column(String(USERNAME_LENGTH))
    at: Mapped[datetime]


class QueuePanelPermissions(Base):
    """One queue's ``PanelPermissions`` (no row: the defaults)."""

    __tablename__ = "queue_panel_permissions"

    queue_id: Mapped[int] = mapped_column(
        ForeignKey("queues.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    manager_access_wallboard: Mapped[bool] = mapped_column(default=P.manager_access_wallboard)
    manager_access_queue_panel: Mapped[bool] = mapped_column(default=P.manager_access_queue_panel)
    manager_switch_agent_status: Mapped[bool] = mapped_column(default=P.manager_switch_agent_status)
    manager_call_distribution: Mapped[bool] = mapped_column(default=P.manager_call_distribution)
    manager_pickup_hangup: Mapped[bool] = mapped_column(default=P.manager_pickup_hangup)
    manager_call_monitoring: Mapped[bool] = mapped_column(default=P.manager_call_monitoring)
    manager_call_parking: Mapped[bool] = mapped_column(default=P.manager_call_parking)
    manager_switch_recording: Mapped[bool] = mapped_column(default=P.manager_switch_recording)
    manager_contacts_matching: Mapped[bool] = mapped_column(default=P.manager_contacts_matching)
    manager_missed_call_logs: Mapped[bool] = mapped_column(default=P.manager_missed_call_logs)
    manager_delete_missed_call_logs: Mapped[bool] = mapped_column(default=P.manager_delete_missed_call_logs)
    agent_access_wallboard: Mapped[bool] = mapped_column(default=P.agent_access_wallboard)
    agent_access_queue_panel: Mapped[bool] = mapped_column(default=P.agent_access_queue_panel)
    agent_call_distribution: Mapped[bool] = mapped_column(default=P.agent_call_distribution)
    agent_pickup_hangup: Mapped[bool] = mapped_column(default=P.agent_pickup_hangup)
    agent_call_parking: Mapped[bool] = mapped_column(default=P.agent_call_parking)
    agent_contacts_matching: Mapped[bool] = mapped_column(default=P.agent_contacts_matching)
    agent_queue_call_logs: Mapped[bool] = mapped_column(default=P.agent_queue_call_logs)
    agent_call_log_members: Mapped[CallLogMembers] = mapped_column(default=P.agent_call_log_members)
    agent_call_log_view_range: Mapped[CallLogViewRange] = mapped_column(default=P.agent_call_log_view_range)


class QueueCallLogViewer(Base):
    """An agent picked under Specified Agent: may view the queue's call logs."""

    __tablename__ = "queue_call_log_viewers"
    __table_args__ = (UniqueConstraint("queue_id", "extension_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id", ondelete="CASCADE"))
    extension_id: Mapped[int] = mapped_column(ForeignKey("extensions.id", ondelete="CASCADE"), index=True)
