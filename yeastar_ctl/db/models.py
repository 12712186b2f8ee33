"""All mapped classes in one import; importing this registers every table on the metadata."""

from yeastar_ctl.db.account_models import ApiToken, Role, User
from yeastar_ctl.db.agent_state_models import AgentQueueStateRow
from yeastar_ctl.db.call_log_models import (
    CallLogDeletion,
    CallNote,
    CallProcessingChange,
    QueueCallLogViewer,
    QueuePanelPermissions,
)
from yeastar_ctl.db.config_models import (
    QUEUE_OPTIONS_ID,
    BusinessHours,
    Extension,
    FeatureCode,
    Holiday,
    PauseReason,
    PresenceRule,
    Queue,
    QueueManager,
    QueueMember,
    QueueOptions,
)
from yeastar_ctl.db.contact_models import CONTACT_OPTIONS_ID, CompanyContact, ContactMatchOptions
from yeastar_ctl.db.event_models import AgentEvent, CallbackRequest, QueueCall, RingAttempt, SurveyResult
from yeastar_ctl.db.extension_call_models import ExtensionCall
from yeastar_ctl.db.schedule_models import ScheduledReport

__all__ = [
    "ApiToken",
    "Role",
    "User",
    "QUEUE_OPTIONS_ID",
    "AgentEvent",
    "AgentQueueStateRow",
    "BusinessHours",
    "CallLogDeletion",
    "CallNote",
    "CallProcessingChange",
    "CallbackRequest",
    "CompanyContact",
    "CONTACT_OPTIONS_ID",
    "ContactMatchOptions",
    "Extension",
    "ExtensionCall",
    "FeatureCode",
    "Holiday",
    "PauseReason",
    "PresenceRule",
    "Queue",
    "QueueCall",
    "QueueCallLogViewer",
    "QueueManager",
    "QueueMember",
    "QueueOptions",
    "QueuePanelPermissions",
    "RingAttempt",
    "ScheduledReport",
    "SurveyResult",
]
