"""The panoramisk adapter against the lab's real AMI."""

from __future__ import annotations

import pytest

from conftest import Lab
from yeastar_ctl.ami.client import AmiClient, AmiError


async def test_cli_commands_reloads_and_custom_device_states(lab: Lab) -> None:
    a = lab.settings.asterisk
    async with AmiClient(a.host, a.ami_port, a.ami_user, a.ami_secret) as ami:
        version = await ami.command("core show version")
        assert version[0].startswith("Asterisk 22")
        await ami.reload("res_musiconhold.so")
        await ami.set_device_state("Custom:yc-test-lamp", "INUSE")
        listing = "\n".join(await ami.command("devstate list"))
        assert "'Custom:yc-test-lamp'  State: 'INUSE'" in listing


async def test_a_wrong_secret_is_a_clear_error(lab: Lab) -> None:
    a = lab.settings.asterisk
    ami = AmiClient(a.host, a.ami_port, a.ami_user, "wrong", timeout=5)
    with pytest.raises(AmiError, match="refused the login of user"):
        await ami.connect()
