"""Company contacts: validated CRUD, match options, matching a caller, CSV import and export."""

from __future__ import annotations

import csv
import io

import pytest
from postgres import Unchanged
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.reports.csv_export import csv_chunks
from yeastar_ctl.services import contacts
from yeastar_ctl.services.contact_matching import NumberMatch
from yeastar_ctl.services.contacts import ContactSpec
from yeastar_ctl.services.errors import NotFoundError, ValidationError

ANN = ContactSpec("Ann Lee", company="Acme", email="ann@acme.example", business="+1 (555) 010-7788")


async def test_create_trims_and_reads_back(session: AsyncSession) -> None:
    created = await contacts.create_contact(session, ContactSpec(
        "  Ann Lee ", company=" ", email="ann@acme.example", mobile=" 5550107 ", home=""))
    read = await contacts.get_contact(session, str(created.id))
    assert contacts.spec_of(read) == ContactSpec("Ann Lee", None, "ann@acme.example", None, "5550107", None)
    assert read.numbers == ("5550107",)


@pytest.mark.parametrize(("spec", "fields"), [
    (ContactSpec("", business="1"), {"name"}),
    (ContactSpec("Ann"), {"business"}),
    (ContactSpec("Ann", business="   ", mobile=""), {"business"}),
    (ContactSpec("Ann", business="call me"), {"business"}),
    (ContactSpec("Ann", mobile="1" * 65), {"mobile"}),
    (ContactSpec("Ann", home="12\x0034"), {"home"}),
    (ContactSpec("Ann", business="1", email="not-an-email"), {"email"}),
    (ContactSpec("A" * 129, business="1", company="C" * 129), {"name", "company"}),
])
async def test_bad_contacts_are_refused_with_every_field_named(
        session: AsyncSession, unchanged: Unchanged, spec: ContactSpec, fields: set[str]) -> None:
    async with unchanged(ValidationError) as caught:
        await contacts.create_contact(session, spec)
    assert {p.field for p in caught.value.problems} == fields  # type: ignore[attr-defined]


async def test_update_replaces_every_field_and_delete_removes(session: AsyncSession) -> None:
    created = await contacts.create_contact(session, ANN)
    await contacts.update_contact(session, created.id, ContactSpec("Ann B", mobile="0107788"))
    assert contacts.spec_of(await contacts.get_contact(session, created.id)) == ContactSpec("Ann B", mobile="0107788")
    await contacts.delete_contact(session, created.id)
    with pytest.raises(NotFoundError):
        await contacts.get_contact(session, created.id)
    with pytest.raises(NotFoundError):
        await contacts.get_contact(session, "match")


async def test_bulk_delete_is_all_or_nothing(session: AsyncSession, unchanged: Unchanged) -> None:
    a = await contacts.create_contact(session, ANN)
    b = await contacts.create_contact(session, ContactSpec("Bob", mobile="1"))
    async with unchanged(NotFoundError):
        await contacts.delete_contacts(session, [a.id, 9999])
    async with unchanged(ValidationError):
        await contacts.delete_contacts(session, [])
    await contacts.delete_contacts(session, [str(a.id), b.id])
    assert (await contacts.list_contacts(session)).total == 0


async def test_list_searches_and_pages_by_name(session: AsyncSession) -> None:
    for n in range(45):
        await contacts.create_contact(session, ContactSpec(f"Contact {n:02d}", mobile=f"55501{n:02d}"))
    await contacts.create_contact(session, ContactSpec("100%_sure", company="Widgets", business="777"))
    first = await contacts.list_contacts(session)
    assert (first.total, first.pages, len(first.contacts)) == (46, 3, 20)
    assert first.contacts[0].name == "100%_sure" and first.contacts[1].name == "Contact 00"
    last = await contacts.list_contacts(session, page=99)
    assert (last.page, [c.name for c in last.contacts]) == (3, [f"Contact {n}" for n in range(39, 45)])
    assert [c.name for c in (await contacts.list_contacts(session, "widg")).contacts] == ["100%_sure"]
    assert [c.name for c in (await contacts.list_contacts(session, "5550107")).contacts] == ["Contact 07"]
    assert (await contacts.list_contacts(session, "%")).total == 1  # a wildcard is a plain character
    assert (await contacts.list_contacts(session, "contact 1")).total == 10


async def test_match_options_default_to_last_7_digits_and_are_validated(
        session: AsyncSession, unchanged: Unchanged) -> None:
    options = await contacts.get_match_options(session)
    assert (options.match_mode, options.match_digits, options.ignore_symbols) == (NumberMatch.LAST_DIGITS, 7, False)
    for changes in ({"match_digits": 3}, {"match_digits": 32}, {"match_mode": "fuzzy"}, {"ignore_symbols": "yes"},
                    {"match_digits": True}):
        async with unchanged(ValidationError):
            await contacts.update_match_options(session, **changes)  # type: ignore[arg-type]
    updated = await contacts.update_match_options(session, match_mode="exact", match_digits=31, ignore_symbols=True)
    assert (updated.match_mode, updated.match_digits, updated.ignore_symbols) == (NumberMatch.EXACT, 31, True)


async def test_match_caller_follows_the_options(session: AsyncSession) -> None:
    await contacts.create_contact(session, ANN)
    await contacts.create_contact(session, ContactSpec("Bob", mobile="9990107788"))
    await contacts.create_contact(session, ContactSpec("Cy", home="15550107788"))
    # Last 7 digits, symbols count: Ann's "+1 (555) 010-7788" cannot match; Bob came before Cy,
    # but Cy's number is the whole caller ID.
    assert await contacts.match_caller(session, "15550107788") == "Cy"
    assert await contacts.match_caller(session, "0010107788") == "Bob"
    await contacts.update_match_options(session, match_mode="exact", ignore_symbols=True)
    assert await contacts.match_caller(session, "+1 555 010 7788") == "Ann Lee"  # added first of the two full matches
    await contacts.update_match_options(session, match_mode="do_not_match")
    assert await contacts.match_caller(session, "15550107788") is None
    assert await contacts.match_caller(session, "") is None


def csv_bytes(*rows: list[str], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


HEADER = ["Contact Name", "Company", "Email", "Business", "Mobile", "Home"]


async def test_import_adds_good_rows_and_logs_each_bad_row(session: AsyncSession) -> None:
    await contacts.create_contact(session, ContactSpec("Old", mobile="1"))
    data = csv_bytes(
        HEADER,
        ["Ann Lee", "Acme", "ann@acme.example", "+1 555 0107", "", ""],   # row 2: good
        ["", "NoName Inc", "", "123", "", ""],                             # row 3: no name
        ["Bad Mail", "", "nope", "", "", "no digits"],                      # row 4: two problems
        ["", "", "", "", "", ""],                                          # row 5: blank, skipped
        ["Short", "", "", "42"],                                           # row 6: short rows are fine
        ["Too", "many", "", "1", "", "", "extra"],                         # row 7: an extra cell
        ["Old", "", "", "", "1", ""],                                      # row 8: already there
        ["Ann Lee", "Acme", "ann@acme.example", "+1 555 0107", "", ""],   # row 9: repeats row 2
    )
    result = await contacts.import_contacts(session, data)
    assert (result.added, result.duplicates) == (2, 2)
    assert [(p.row, p.field) for p in result.problems] == [
        (3, "Contact Name"), (4, "Email"), (4, "Home"), (6 + 1, "row")]
    assert "at least" not in " ".join(p.message for p in result.problems if p.row == 4)
    names = [c.name for c in (await contacts.list_contacts(session)).contacts]
    assert names == ["Ann Lee", "Old", "Short"]


async def test_import_accepts_a_bom_field_names_and_any_column_order(session: AsyncSession) -> None:
    data = b"\xef\xbb\xbf" + csv_bytes(["mobile", "NAME", ""], ["5550107", "J\u00fcrgen", "ignored"])
    result = await contacts.import_contacts(session, data)
    assert (result.added, result.problems) == (1, ())
    assert await contacts.match_caller(session, "5550107") == "J\u00fcrgen"


@pytest.mark.parametrize(("data", "message"), [
    (b"", "is empty"),
    (b"\n\n", "is empty"),
    (csv_bytes(["Name", "Phone"]), "unknown column 'Phone'"),
    (csv_bytes(["Company", "Mobile"]), "no 'Contact Name' column"),
    (csv_bytes(["Mobile", "mobile", "name"]), "twice"),
    ("Contact Name,Mobile\nJ\u00fcrgen,1\n".encode("latin-1"), r"not UTF-8 text \(line 2\)"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8"),
])
async def test_an_unreadable_file_is_refused_whole(
        session: AsyncSession, unchanged: Unchanged, data: bytes, message: str) -> None:
    async with unchanged(ValidationError, match=message) as caught:
        await contacts.import_contacts(session, data)
    assert caught.value.field == "file"  # type: ignore[attr-defined]


async def test_a_csv_error_mid_file_keeps_the_rows_before_it(session: AsyncSession) -> None:
    big = "x" * (csv.field_size_limit() + 1)
    data = f"Contact Name,Mobile\nAnn,1\nBob,{big}\nCy,3\n".encode()
    result = await contacts.import_contacts(session, data)
    assert result.added == 1 and [(p.row, p.field) for p in result.problems] == [(3, "file")]


async def test_export_streams_the_import_format_and_round_trips(session: AsyncSession) -> None:
    await contacts.create_contact(session, ContactSpec("Zed, \"Z\"", email="z@x.example", home="+44 20 7946 0000"))
    await contacts.create_contact(session, ANN)
    data = b"".join([chunk async for chunk in csv_chunks(contacts.export_table(session))])
    rows = list(csv.reader(io.StringIO(data.decode())))
    assert rows[0] == HEADER
    assert rows[1] == ["Ann Lee", "Acme", "ann@acme.example", "+1 (555) 010-7788", "", ""]
    assert rows[2][0] == 'Zed, "Z"'
    before = [contacts.spec_of(c) for c in (await contacts.list_contacts(session)).contacts]
    for contact in (await contacts.list_contacts(session)).contacts:
        await contacts.delete_contact(session, contact.id)
    result = await contacts.import_contacts(session, data)
    assert (result.added, result.problems) == (2, ())
    assert [contacts.spec_of(c) for c in (await contacts.list_contacts(session)).contacts] == before
    assert (await contacts.import_contacts(session, data)).duplicates == 2
