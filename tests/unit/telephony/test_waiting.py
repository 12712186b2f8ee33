"""What a waiting caller hears in the position announcement (app_queue's wording)."""

from yeastar_ctl.telephony.waiting import position_media


def test_the_next_caller_hears_you_are_next() -> None:
    assert position_media(1, None, announce_position=True, announce_hold_time=True, thank_you=False) == [
        "sound:queue-youarenext",
    ]


def test_a_later_caller_hears_the_count_the_hold_time_and_thanks() -> None:
    assert position_media(3, 150, announce_position=True, announce_hold_time=True, thank_you=True) == [
        "sound:queue-thereare", "number:3", "sound:queue-callswaiting",
        "sound:queue-holdtime", "number:2", "sound:queue-minutes",
        "sound:queue-thankyou",
    ]


def test_hold_time_of_under_a_minute_is_one_minute_and_unknown_hold_time_is_not_announced() -> None:
    assert position_media(2, 20, announce_position=False, announce_hold_time=True, thank_you=False) == [
        "sound:queue-holdtime", "number:1", "sound:queue-minute",
    ]
    assert position_media(2, None, announce_position=False, announce_hold_time=True, thank_you=False) == []
