"""The call-log rules that need no database: who sees and may change which logs of a queue, the
forward order of processing statuses, and the auto-sync window.

From the seed: an administrator manages everything; a queue manager has the Manager column of
the Queue Panel Permissions ("Queue Missed Call Logs", "Delete Queue Missed Call Logs"); an agent
has "Queue Call Logs" with Member (All / Specified Agent) and View Range (All / Incoming call:
the queue calls they answered / Missed call: the queue's missed calls and their processing
status), and "Only supports to delete the call logs of queue calls that you have answered".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from yeastar_ctl.db.account_models import Role
from yeastar_ctl.db.call_log_models import CallLogMembers, CallLogViewRange, PanelPermissions, ProcessingStatus
from yeastar_ctl.db.enums import CallStatus
from yeastar_ctl.services.call_events import UNANSWERED_OUTCOMES

PROCESSING_LABELS: Final = {
    ProcessingStatus.NOT_DEALT: "Not Dealt", ProcessingStatus.DEALING: "Dealing", ProcessingStatus.DEALT: "Dealt"}
_RANK: Final = {status: rank for rank, status in enumerate(ProcessingStatus)}


class Scope(StrEnum):
    """Which logs of a kind an account reaches."""

    NONE = "none"
    OWN = "own"  # the calls the account's extension answered
    ALL = "all"


@dataclass(frozen=True)
class LogAccess:
    """What one account may do with one queue's call logs.

    Seeing a missed or abandoned log includes changing its processing status and adding notes
    (the seed lets everyone who sees a missed call "manage processing status")."""

    answered: Scope = Scope.NONE
    missed: bool = False
    delete_missed: bool = False
    delete_answered: Scope = Scope.NONE

    @property
    def any(self) -> bool:
        return self.missed or self.answered != Scope.NONE


NO_ACCESS: Final = LogAccess()
FULL_ACCESS: Final = LogAccess(Scope.ALL, True, True, Scope.ALL)


def access_for(
    role: Role, permissions: PanelPermissions, *, extension: str | None, manages: bool, is_agent: bool
) -> LogAccess:
    """The access ``role`` has to a queue whose permissions are ``permissions``; ``manages`` and
    ``is_agent`` say whether the account's extension is in the queue's manager or agent list."""
    if role == Role.ADMINISTRATOR:
        return FULL_ACCESS
    p = permissions
    if role == Role.QUEUE_MANAGER and manages:
        # Answered calls are visible as in the manager's reports' per-call drill-down.
        return LogAccess(answered=Scope.ALL, missed=p.manager_missed_call_logs,
                         delete_missed=p.manager_missed_call_logs and p.manager_delete_missed_call_logs)
    if role != Role.AGENT or not is_agent or not p.agent_queue_call_logs:
        return NO_ACCESS
    if p.agent_call_log_members == CallLogMembers.SPECIFIED and extension not in p.agent_call_log_agents:
        return NO_ACCESS
    incoming = p.agent_call_log_view_range in (CallLogViewRange.ALL, CallLogViewRange.INCOMING)
    own = Scope.OWN if incoming else Scope.NONE
    return LogAccess(answered=own, missed=p.agent_call_log_view_range in (CallLogViewRange.ALL, CallLogViewRange.MISSED),
                     delete_answered=own)


def is_missed(status: CallStatus) -> bool:
    """Missed and abandoned calls are the ones with a processing status."""
    return status in UNANSWERED_OUTCOMES


def _reaches(scope: Scope, agent_extension: str | None, viewer_extension: str | None) -> bool:
    if scope == Scope.OWN:
        return viewer_extension is not None and agent_extension == viewer_extension
    return scope == Scope.ALL


def sees(access: LogAccess, status: CallStatus, agent_extension: str | None, viewer_extension: str | None) -> bool:
    if is_missed(status):
        return access.missed
    return status == CallStatus.ANSWERED and _reaches(access.answered, agent_extension, viewer_extension)


def deletion_refusal(
    access: LogAccess, status: CallStatus, agent_extension: str | None, viewer_extension: str | None
) -> str | None:
    """Why the account may not delete a log it sees, or None when it may."""
    if is_missed(status):
        return None if access.delete_missed else "deleting missed call logs of this queue is not permitted"
    if _reaches(access.delete_answered, agent_extension, viewer_extension):
        return None
    if access.delete_answered == Scope.OWN:
        return "an agent may delete only the logs of calls they answered"
    return "only missed call logs may be deleted here"


def is_forward(old: ProcessingStatus, new: ProcessingStatus) -> bool:
    return _RANK[new] > _RANK[old]


def sync_window(updated_at: datetime, hours: int) -> tuple[datetime, datetime]:
    """Seed: updating at 3:00 PM with 2 hours syncs the calls "between 1:00 PM and 3:00 PM";
    both ends are included."""
    return updated_at - timedelta(hours=hours), updated_at
