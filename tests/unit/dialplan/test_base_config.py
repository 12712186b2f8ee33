from pathlib import Path

from yeastar_ctl.config import load_settings
from yeastar_ctl.dialplan.base_config import install_base_config, render_base_config


def settings(tmp_path: Path):  # type: ignore[no-untyped-def]
    return load_settings(env={"YEASTAR_CTL_VAR_DIR": str(tmp_path), "YEASTAR_CTL_ASTERISK_SIP_PORT": "15060"})


def test_modules_are_loaded_explicitly_with_what_the_project_uses(tmp_path: Path) -> None:
    modules = render_base_config(settings(tmp_path), "/srv/x", "x")["modules.conf"]
    assert "autoload = no" in modules
    for module in ("chan_pjsip.so", "res_ari.so", "app_stasis.so", "bridge_holding.so", "app_mixmonitor.so",
                   "app_chanspy.so", "func_devstate.so", "res_pjsip_exten_state.so", "res_musiconhold.so"):
        assert f"load = {module}" in modules
    assert "odbc" not in modules and "pgsql" not in modules


def test_ports_secrets_and_directories_come_from_settings(tmp_path: Path) -> None:
    s = settings(tmp_path)
    files = render_base_config(s, "/srv/yeastar_ctl/t", "t")
    assert "bind = 127.0.0.1:15060" in files["pjsip.conf"]
    assert f"password = {s.asterisk.ari_password}" in files["ari.conf"]
    assert f"secret = {s.asterisk.ami_secret}" in files["manager.conf"]
    assert "bindaddr = 127.0.0.1" in files["http.conf"] and "bindaddr = 127.0.0.1" in files["manager.conf"]
    assert "astetcdir => /srv/yeastar_ctl/t/etc" in files["asterisk.conf"]
    assert '#include "yeastar_ctl/extensions.conf"' in files["extensions.conf"]


def test_install_is_idempotent_and_leaves_placeholders_for_generated_files(tmp_path: Path) -> None:
    s = settings(tmp_path)
    etc = tmp_path / "etc"
    assert "asterisk.conf" in install_base_config(s, etc, "/srv/t", "t")
    assert install_base_config(s, etc, "/srv/t", "t") == []
    assert (etc / "yeastar_ctl" / "pjsip.conf").read_text().startswith("; not generated yet")


def test_cdrs_reach_ami_with_epoch_times(tmp_path: Path) -> None:
    """Direct calls are recorded from AMI Cdr events (``telephony.extension_calls``): the CDR
    engine is on, cdr_manager sends every leg, and func_cdr fills the mapped raw times."""
    files = render_base_config(settings(tmp_path), "/srv/x", "x")
    assert "load = cdr_manager.so" in files["modules.conf"] and "load = func_cdr.so" in files["modules.conf"]
    assert "enable = yes" in files["cdr.conf"] and "unanswered = no" in files["cdr.conf"]
    manager = files["cdr_manager.conf"]
    assert "enabled = yes" in manager
    assert "timestampevents = yes" in files["manager.conf"]  # when a hold started and ended
    for mapping in ("start,u => StartEpoch", "answer,u => AnswerEpoch", "end,u => EndEpoch", "linkedid => LinkedID"):
        assert mapping in manager
