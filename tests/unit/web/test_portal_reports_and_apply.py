"""The Reports page (table, CSV, queue scope per role) and the Apply button."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from portal_support import Portal

from yeastar_ctl.db.enums import CallStatus
from yeastar_ctl.db.extension_call_models import CallDirection, CallDisposition
from yeastar_ctl.services import call_events, queues
from yeastar_ctl.services.extension_calls import ExtensionCallLeg, record_extension_call

DAY = "start=2026-03-01&end=2026-03-01"


async def abandoned_call(portal: Portal, call_id: str, queue: str) -> None:
    joined = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    async with portal.sessions.begin() as session:
        await call_events.record_call_joined(session, call_id=call_id, queue_number=queue,
                                             caller_number="5550100", joined_at=joined)
        await call_events.record_call_ended(session, call_id, ended_at=joined + timedelta(seconds=12),
                                            status=CallStatus.ABANDONED, reason="caller hung up")


@pytest.fixture
async def calls(portal: Portal) -> Portal:
    await portal.setup_queues()
    await abandoned_call(portal, "A1", "6400")
    await abandoned_call(portal, "A2", "6401")
    return portal


async def test_an_administrator_sees_every_queue_and_downloads_the_csv(calls: Portal) -> None:
    await calls.user("admin", "administrator")
    await calls.login("admin")
    page = await (await calls.client.get(f"/reports?type=queue-performance&{DAY}&by=day")).text()
    assert "6400-Sales" in page and "6401-Support" in page
    assert f"/reports/csv?type=queue-performance&amp;{DAY.replace('&', '&amp;')}" in page
    response = await calls.client.get(f"/reports/csv?type=queue-calls&{DAY}")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    lines = (await response.text()).split("\r\n")
    assert len([line for line in lines if "5550100" in line]) == 2


async def test_a_manager_sees_only_the_queues_they_manage(calls: Portal) -> None:
    await calls.user("manager", "queue_manager", "1003")
    await calls.login("manager")
    page = await (await calls.client.get(f"/reports?type=queue-performance&{DAY}")).text()
    assert "6401-Support" in page and "6400-Sales" not in page
    assert '<option value="6400"' not in page
    csv = await (await calls.client.get(f"/reports/csv?type=queue-calls&{DAY}")).text()
    assert "Sales" not in csv and "Support" in csv
    # A queue they do not manage is not a choice, in the page or the download.
    response = await calls.client.get(f"/reports?type=queue-performance&{DAY}&queues=6400")
    assert response.status == 400 and "6400-Sales" not in await response.text()
    assert (await calls.client.get(f"/reports/csv?type=queue-calls&{DAY}&queues=6400")).status == 400


async def test_a_manager_of_no_queue_sees_no_report(calls: Portal) -> None:
    await calls.user("lonely", "queue_manager", "1001")
    await calls.login("lonely")
    response = await calls.client.get(f"/reports?type=queue-performance&{DAY}")
    assert response.status == 400
    assert "you manage no queue" in await response.text()
    assert (await calls.client.get(f"/reports/csv?type=queue-calls&{DAY}")).status == 400


@pytest.mark.parametrize(("query", "message"), [
    ("type=queue-performance&start=yesterday&end=2026-03-01", "Not a valid date"),
    ("type=queue-performance&start=2026-03-02&end=2026-03-01", "must be after the start"),
    ("type=nonsense&" + DAY, "Not a valid choice"),
    ("type=satisfaction-survey&" + DAY, "for one queue"),
])
async def test_wrong_report_filters_show_their_error(calls: Portal, query: str, message: str) -> None:
    await calls.user("admin", "administrator")
    await calls.login("admin")
    response = await calls.client.get(f"/reports?{query}")
    assert response.status == 400
    assert message in await response.text()


async def test_apply_writes_the_config_and_says_asterisk_is_not_reachable(calls: Portal) -> None:
    await calls.user("admin", "administrator")
    await calls.login("admin")
    response = await calls.post_form("/apply", {})
    page = await response.text()
    assert response.status == 200
    assert "extensions.conf" in page and "pjsip.conf" in page
    assert "no AMI connection" in page
    assert (calls.config_dir / "pjsip.conf").exists()
    page = await (await calls.post_form("/apply", {})).text()
    assert "Changed: <strong>nothing</strong>" in page


async def test_apply_reports_an_unwritable_directory_instead_of_failing(calls: Portal) -> None:
    calls.config_dir.parent.mkdir(parents=True, exist_ok=True)
    calls.config_dir.write_text("a file where the directory should be")
    await calls.user("admin", "administrator")
    await calls.login("admin")
    page = await (await calls.post_form("/apply", {})).text()
    assert "cannot write the Asterisk config" in page


async def test_apply_needs_the_csrf_token(calls: Portal) -> None:
    await calls.user("admin", "administrator")
    await calls.login("admin")
    assert (await calls.client.post("/apply", data={})).status == 403
    assert not (calls.config_dir / "pjsip.conf").exists()


async def test_the_seeds_exclusion_filter_drops_short_abandoned_calls(calls: Portal) -> None:
    await calls.user("admin", "administrator")
    await calls.login("admin")
    base = f"/reports/csv?type=queue-performance&{DAY}"
    assert "6400-Sales" in await (await calls.client.get(base + "&exclude_abandoned_within=11")).text()
    assert "6400-Sales" not in await (await calls.client.get(base + "&exclude_abandoned_within=12")).text()
    response = await calls.client.get(f"/reports?type=queue-performance&{DAY}&exclude_abandoned_within=-1")
    assert response.status == 400
    assert "must be zero or more seconds" in await response.text()


async def test_agent_and_callback_filters_reach_the_report(calls: Portal) -> None:
    await calls.user("admin", "administrator")
    await calls.login("admin")
    response = await calls.client.get(
        f"/reports?type=queue-callback-activity&{DAY}&agents=1001,+1002&callback_result=failed&pause_reasons=*01")
    assert response.status == 200
    page = await response.text()
    assert 'value="1001, 1002"' in page and '<option selected value="failed">' in page
    response = await calls.client.get(f"/reports?type=queue-performance&{DAY}&callback_result=lost")
    assert response.status == 400


SUMMARY_COLUMNS = (
    "Agent", "Inbound", "Inbound Talk Duration", "Outbound", "Outbound Talk Duration", "Total calls",
    "Total Talk Duration", "AVG Handle Time", "Average Talking Time", "AVG Hold Time", "Average Waiting Time",
)
SUMMARY_ROWS = [
    # 1001 answered queue call Q1 (waited 15 s, talked 60) and 1002's direct call (rang 5 s, talked 30):
    # handle (20 + 90) / 2 = 55, talk 90 / 2 = 45, waiting 20 / 2 = 10.
    ["1001-Agent 1001", "2", "00:01:30", "0", "00:00:00", "2", "00:01:30", "00:00:55", "00:00:45", "00:00:00",
     "00:00:10"],
    # 1002 made that call: 1 made and answered, handle 5 + 30.
    ["1002-Agent 1002", "0", "00:00:00", "1", "00:00:30", "1", "00:00:30", "00:00:35", "00:00:30", "00:00:00",
     "00:00:05"],
]


async def agent_calls(portal: Portal) -> None:
    """The ``calls`` portal plus agents 1001 and 1002 of 6400: 1001 answers queue call Q1 and a
    direct call from 1002 on 2026-03-01."""
    at = datetime(2026, 3, 1, 11, 0, tzinfo=UTC)
    async with portal.sessions.begin() as session:
        await queues.set_members(session, "6400", static=[("1001", 1), ("1002", 1)])
        await call_events.record_call_joined(session, call_id="Q1", queue_number="6400", caller_number="5550111",
                                             joined_at=at)
        await call_events.record_call_answered(session, "Q1", agent_extension="1001",
                                               answered_at=at + timedelta(seconds=15))
        await call_events.record_call_ended(session, "Q1", ended_at=at + timedelta(seconds=75))
        start = at + timedelta(minutes=10)
        await record_extension_call(session, ExtensionCallLeg(
            direction=CallDirection.INTERNAL, caller_number="1002", caller_name=None, callee_number="1001",
            caller_extension="1002", callee_extension="1001", started_at=start,
            answered_at=start + timedelta(seconds=5), ended_at=start + timedelta(seconds=35),
            disposition=CallDisposition.ANSWERED, unique_id="D1"))


async def test_the_agent_call_summary_is_offered_shown_and_downloaded(calls: Portal) -> None:
    await agent_calls(calls)
    await calls.user("admin", "administrator")
    await calls.login("admin")
    assert '<option value="agent-call-summary">' in await (await calls.client.get("/reports")).text()
    response = await calls.client.get(f"/reports?type=agent-call-summary&{DAY}")
    assert response.status == 200
    page = await response.text()
    assert "<caption>Agent Call Summary</caption>" in page
    assert "".join(f'<th scope="col">{c}</th>' for c in SUMMARY_COLUMNS) in page
    for row in SUMMARY_ROWS:
        assert "<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" in page
    assert f'href="/reports/csv?type=agent-call-summary&amp;{DAY.replace("&", "&amp;")}"' in page
    response = await calls.client.get(f"/reports/csv?type=agent-call-summary&{DAY}")
    assert response.status == 200 and response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    assert list(csv.reader(io.StringIO(await response.text()))) == [list(SUMMARY_COLUMNS), *SUMMARY_ROWS]
