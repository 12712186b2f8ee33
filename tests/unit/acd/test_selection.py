from yeastar_ctl.acd.selection import MemberAvailability, next_agent


def member(ext: str, position: int, *, kind: str = "static", online: bool = True, busy: bool = False) -> MemberAvailability:
    return MemberAvailability(ext, kind, position, online, busy)


def test_first_static_agent_in_list_order_is_rung() -> None:
    assert next_agent([member("1002", 2), member("1001", 1)]) == "1001"


def test_offline_or_busy_agents_are_skipped() -> None:
    members = [member("1001", 1, online=False), member("1002", 2, busy=True), member("1003", 3)]
    assert next_agent(members) == "1003"


def test_dynamic_agents_are_not_rung_before_login_exists() -> None:
    assert next_agent([member("1003", 1, kind="dynamic")]) is None


def test_excluded_agents_are_skipped_and_none_when_nobody_is_free() -> None:
    assert next_agent([member("1001", 1)], exclude=frozenset({"1001"})) is None
    assert next_agent([]) is None
