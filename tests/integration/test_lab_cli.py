"""`yeastar-ctl lab` and `apply` against the running lab instance."""

from __future__ import annotations

from conftest import Lab
from yeastar_ctl.telephony.config_signal import CONFIG_TAKEN


def test_lab_up_twice_is_fine_and_status_reports_running(lab: Lab) -> None:
    again = lab.ctl("lab", "up")
    assert "running" in again.stdout
    status = lab.ctl("lab", "status")
    assert status.returncode == 0
    assert "Asterisk 22" in status.stdout


def test_apply_again_changes_nothing_and_reloads_nothing(lab: Lab) -> None:
    result = lab.ctl("apply")
    assert result.stdout.splitlines()[0] == "changed: nothing"
    assert "reloaded" not in result.stdout
    # Settings only routing reads need no Asterisk reload, but the running control plane is told
    # (an AMI UserEvent) and has loaded them by the time apply returns.
    assert CONFIG_TAKEN in result.stdout.splitlines()


def test_the_lab_cli_runs_asterisk_commands(lab: Lab) -> None:
    result = lab.ctl("lab", "cli", "pjsip", "show", "endpoint", "1001")
    assert "1001" in result.stdout
    assert "direct_media" in result.stdout and ": false" in result.stdout
