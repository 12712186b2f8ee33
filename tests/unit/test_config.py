import stat
from pathlib import Path

import pytest

from yeastar_ctl.config import ConfigError, load_settings


def test_defaults_work_with_no_file_and_every_port_is_on_loopback(tmp_path: Path) -> None:
    settings = load_settings(env={"YEASTAR_CTL_VAR_DIR": str(tmp_path)})
    assert settings.db_url == f"sqlite+aiosqlite:///{tmp_path / 'yeastar_ctl.db'}"
    assert settings.asterisk.host == "127.0.0.1"
    assert settings.web.host == "127.0.0.1"
    assert settings.asterisk.ari_url == "http://127.0.0.1:8088/ari"


def test_secrets_are_generated_once_kept_private_and_never_a_fixed_default(tmp_path: Path) -> None:
    first = load_settings(env={"YEASTAR_CTL_VAR_DIR": str(tmp_path / "a")})
    again = load_settings(env={"YEASTAR_CTL_VAR_DIR": str(tmp_path / "a")})
    other = load_settings(env={"YEASTAR_CTL_VAR_DIR": str(tmp_path / "b")})
    assert len(first.asterisk.ari_password) >= 24
    assert first.asterisk.ari_password == again.asterisk.ari_password
    assert first.asterisk.ami_secret == again.asterisk.ami_secret
    assert first.asterisk.ari_password != other.asterisk.ari_password
    assert first.asterisk.ari_password != first.asterisk.ami_secret
    mode = (tmp_path / "a" / "secrets.toml").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_file_then_environment_override(tmp_path: Path) -> None:
    file = tmp_path / "yc.toml"
    file.write_text(
        f'var_dir = "{tmp_path}"\ntimezone = "Europe/Berlin"\n'
        '[asterisk]\nsip_port = 5070\nari_password = "from-file"\n[web]\nport = 9000\n'
    )
    settings = load_settings(file, env={"YEASTAR_CTL_ASTERISK_SIP_PORT": "15060"})
    assert settings.timezone == "Europe/Berlin"
    assert settings.asterisk.sip_port == 15060
    assert settings.asterisk.ari_password == "from-file"
    assert settings.web.port == 9000


def test_config_file_named_by_the_environment(tmp_path: Path) -> None:
    file = tmp_path / "yc.toml"
    file.write_text(f'var_dir = "{tmp_path}"\ndatabase_url = "postgresql+asyncpg://db/yc"\n')
    settings = load_settings(env={"YEASTAR_CTL_CONFIG": str(file)})
    assert settings.db_url == "postgresql+asyncpg://db/yc"


@pytest.mark.parametrize(
    ("toml", "env", "message"),
    [
        ("[asterisk]\nsip_prot = 1\n", {}, "unknown setting 'sip_prot'"),
        ("", {"YEASTAR_CTL_WEB_PORT": "eighty"}, "expected an integer"),
        ("[asterisk\n", {}, "cannot read"),
        ("asterisk = 3\n", {}, "must be a table"),
        ("", {"YEASTAR_CTL_SMTP_STARTTLS": "maybe"}, "expected true or false"),
    ],
)
def test_bad_settings_get_a_clear_error(tmp_path: Path, toml: str, env: dict[str, str], message: str) -> None:
    file = tmp_path / "yc.toml"
    file.write_text(f'var_dir = "{tmp_path}"\n' + toml)
    with pytest.raises(ConfigError, match=message):
        load_settings(file, env=env)


def test_smtp_defaults_to_the_local_relay_and_an_empty_host_turns_email_off(tmp_path: Path) -> None:
    settings = load_settings(env={"YEASTAR_CTL_VAR_DIR": str(tmp_path)})
    assert (settings.smtp.host, settings.smtp.port, settings.smtp.starttls) == ("127.0.0.1", 25, False)
    assert settings.smtp.enabled
    file = tmp_path / "yc.toml"
    file.write_text(f'var_dir = "{tmp_path}"\n[smtp]\nhost = ""\nstarttls = true\n')
    settings = load_settings(file, env={"YEASTAR_CTL_SMTP_PORT": "587"})
    assert not settings.smtp.enabled
    assert settings.smtp.starttls is True
    assert settings.smtp.port == 587
    on = load_settings(file, env={"YEASTAR_CTL_SMTP_HOST": "mail", "YEASTAR_CTL_SMTP_STARTTLS": "no"})
    assert on.smtp.enabled and on.smtp.starttls is False
