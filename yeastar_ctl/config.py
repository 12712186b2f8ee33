"""Settings: one optional TOML file, environment overrides, defaults that work with no file.

Lookup order for the file: the explicit path, then ``$YEASTAR_CTL_CONFIG``, then
``./yeastar_ctl.toml``. Every field can be overridden from the environment:
``YEASTAR_CTL_<FIELD>`` for top-level fields and ``YEASTAR_CTL_<SECTION>_<FIELD>`` for the
sections, e.g. ``YEASTAR_CTL_ASTERISK_SIP_PORT=15060``.

Secrets (ARI password, AMI secret, web session key) are never fixed defaults: when the file and
environment leave them empty they are generated once and kept in ``<var_dir>/secrets.toml``
(mode 0600), so a restart keeps talking to the same Asterisk.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

ENV_PREFIX = "YEASTAR_CTL_"
DEFAULT_FILE = "yeastar_ctl.toml"


@dataclass
class AsteriskSettings:
    host: str = "127.0.0.1"
    sip_port: int = 5060
    ari_port: int = 8088
    ami_port: int = 5038
    rtp_start: int = 10000
    rtp_end: int = 10999
    app_name: str = "yeastar_ctl"
    ari_user: str = "yeastar_ctl"
    ari_password: str = ""
    ami_user: str = "yeastar_ctl"
    ami_secret: str = ""
    # Where `apply` writes the generated files that the base config #includes. Empty means the
    # lab instance's etc directory.
    config_dir: str = ""

    @property
    def ari_url(self) -> str:
        return f"http://{self.host}:{self.ari_port}/ari"


@dataclass
class LabSettings:
    root: str = str(Path.home() / ".cache" / "yeastar_ctl" / "root")
    instance: str = "default"
    mirror: str = "http://deb.debian.org/debian"
    suite: str = "sid"


@dataclass
class WebSettings:
    host: str = "127.0.0.1"
    port: int = 8080
    session_key: str = ""


@dataclass
class SmtpSettings:
    """Where notification and scheduled-report emails go. An empty host turns email off."""

    host: str = "127.0.0.1"
    port: int = 25
    username: str = ""  # empty: no login
    password: str = ""
    from_address: str = "yeastar-ctl@localhost"
    starttls: bool = False

    @property
    def enabled(self) -> bool:
        return bool(self.host)


@dataclass
class Settings:
    var_dir: str = "var"
    database_url: str = ""
    timezone: str = "UTC"
    asterisk: AsteriskSettings = field(default_factory=AsteriskSettings)
    lab: LabSettings = field(default_factory=LabSettings)
    web: WebSettings = field(default_factory=WebSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)

    @property
    def var_path(self) -> Path:
        return Path(self.var_dir).resolve()

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.var_path / 'yeastar_ctl.db'}"


_SECTIONS = {"asterisk": AsteriskSettings, "lab": LabSettings, "web": WebSettings, "smtp": SmtpSettings}
# Environment values are text; these spellings are what people write for a switch.
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})
_SECRET_FIELDS = (("asterisk", "ari_password"), ("asterisk", "ami_secret"), ("web", "session_key"))


class ConfigError(ValueError):
    """The configuration file or an environment override is invalid."""


def _coerce(kind: type, raw: Any, where: str) -> Any:
    if kind is bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise ConfigError(f"{where}: expected true or false, got {raw!r}")
    if kind is int:
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise ConfigError(f"{where}: expected an integer, got {raw!r}") from None
    return str(raw)


def _apply_values(target: Any, values: Mapping[str, Any], where: str) -> None:
    types = {f.name: f.type for f in dataclasses.fields(target)}
    for key, raw in values.items():
        if key not in types:
            raise ConfigError(f"{where}: unknown setting {key!r}")
        declared = types[key]
        name = declared if isinstance(declared, str) else getattr(declared, "__name__", "str")
        kind = {"int": int, "bool": bool}.get(name, str)
        setattr(target, key, _coerce(kind, raw, f"{where}.{key}"))


def _env_overrides(settings: Settings, env: Mapping[str, str]) -> None:
    for f in dataclasses.fields(settings):
        if f.name in _SECTIONS:
            section = getattr(settings, f.name)
            for sf in dataclasses.fields(section):
                name = f"{ENV_PREFIX}{f.name}_{sf.name}".upper()
                if name in env:
                    _apply_values(section, {sf.name: env[name]}, name)
        else:
            name = f"{ENV_PREFIX}{f.name}".upper()
            if name in env:
                _apply_values(settings, {f.name: env[name]}, name)


def _fill_secrets(settings: Settings) -> None:
    missing = [(s, k) for s, k in _SECRET_FIELDS if not getattr(getattr(settings, s), k)]
    if not missing:
        return
    store = settings.var_path / "secrets.toml"
    kept: dict[str, dict[str, str]] = {}
    if store.exists():
        kept = tomllib.loads(store.read_text())
    changed = False
    for section, key in missing:
        value = kept.get(section, {}).get(key)
        if not value:
            value = secrets.token_urlsafe(24)
            kept.setdefault(section, {})[key] = value
            changed = True
        setattr(getattr(settings, section), key, value)
    if changed:
        store.parent.mkdir(parents=True, exist_ok=True)
        lines = []
        for section, values in sorted(kept.items()):
            lines.append(f"[{section}]")
            lines.extend(f'{k} = "{v}"' for k, v in sorted(values.items()))
            lines.append("")
        tmp = store.with_suffix(".tmp")
        tmp.write_text("\n".join(lines))
        tmp.chmod(0o600)
        tmp.replace(store)


def load_settings(
    path: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    *,
    create_secrets: bool = True,
) -> Settings:
    env = os.environ if env is None else env
    settings = Settings()
    file = Path(path) if path else None
    if file is None and env.get(f"{ENV_PREFIX}CONFIG"):
        file = Path(env[f"{ENV_PREFIX}CONFIG"])
    if file is None and Path(DEFAULT_FILE).exists():
        file = Path(DEFAULT_FILE)
    if file is not None:
        try:
            data = tomllib.loads(file.read_text())
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read {file}: {exc}") from None
        top = {k: v for k, v in data.items() if k not in _SECTIONS}
        _apply_values(settings, top, str(file))
        for name in _SECTIONS:
            if name in data:
                if not isinstance(data[name], dict):
                    raise ConfigError(f"{file}: [{name}] must be a table")
                _apply_values(getattr(settings, name), data[name], f"{file}[{name}]")
    _env_overrides(settings, env)
    if create_secrets:
        _fill_secrets(settings)
    return settings
