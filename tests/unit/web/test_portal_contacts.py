"""Company Contacts pages: list with search and pages, add/edit/delete, bulk delete, CSV import
with its log, CSV export, the match Options, and who may open them."""

from __future__ import annotations

import csv
import io
import re

import pytest
from aiohttp import FormData
from portal_support import Portal, error_next_to

from yeastar_ctl.services import contacts
from yeastar_ctl.services.contact_matching import NumberMatch
from yeastar_ctl.services.contacts import ContactSpec

ANN = {"name": "Ann Lee", "company": "Acme", "email": "ann@acme.example", "business": "+1 555 0107",
       "mobile": "", "home": ""}
HEADER = "Contact Name,Company,Email,Business,Mobile,Home\r\n"


async def add(portal: Portal, *specs: ContactSpec) -> list[int]:
    async with portal.sessions.begin() as session:
        return [(await contacts.create_contact(session, spec)).id for spec in specs]


async def names(portal: Portal) -> list[str]:
    async with portal.sessions() as session:
        return [c.name for c in (await contacts.list_contacts(session, per_page=1000)).contacts]


async def upload(portal: Portal, data: bytes) -> tuple[int, str]:
    form = FormData()
    form.add_field("csrf_token", await portal.csrf("/contacts/import"))
    form.add_field("file", data, filename="contacts.csv", content_type="text/csv")
    response = await portal.client.post("/contacts/import", data=form, allow_redirects=False)
    return response.status, await response.text()


@pytest.mark.parametrize("path", ["/contacts", "/contacts/new", "/contacts/import", "/contacts/export",
                                  "/contacts/options"])
async def test_only_administrators_open_the_contact_pages(portal: Portal, path: str) -> None:
    assert (await portal.client.get(path, allow_redirects=False)).status == 302  # to the login page
    await portal.setup_queues()
    for name, role, extension in (("agent", "agent", "1001"), ("manager", "queue_manager", "1003")):
        await portal.user(name, role, extension)
        await portal.login(name)
        assert (await portal.client.get(path, allow_redirects=False)).status == 403
        assert 'href="/contacts"' not in await (await portal.client.get("/")).text()


async def test_a_contact_is_added_edited_and_deleted(admin: Portal) -> None:
    assert 'href="/contacts"' in await (await admin.client.get("/")).text()
    response = await admin.post_form("/contacts/new", ANN)
    assert (response.status, response.headers["Location"]) == (302, "/contacts")
    page = await (await admin.client.get("/contacts")).text()
    assert "Contact Ann Lee added." in page and "ann@acme.example" in page and "+1 555 0107" in page
    [contact_id] = [c for c in await _ids(admin)]
    form_page = await (await admin.client.get(f"/contacts/{contact_id}/edit")).text()
    assert 'value="Ann Lee"' in form_page
    response = await admin.post_form(f"/contacts/{contact_id}/edit", {**ANN, "name": "Ann B", "mobile": "5550199"})
    assert response.status == 302
    async with admin.sessions() as session:
        assert contacts.spec_of(await contacts.get_contact(session, contact_id)) == ContactSpec(
            "Ann B", "Acme", "ann@acme.example", "+1 555 0107", "5550199", None)
    response = await admin.post_form(f"/contacts/{contact_id}/delete", {}, from_page="/contacts")
    assert response.status == 302 and await names(admin) == []
    assert (await admin.client.get(f"/contacts/{contact_id}/edit")).status == 404


async def _ids(portal: Portal) -> list[int]:
    async with portal.sessions() as session:
        return [c.id for c in (await contacts.list_contacts(session)).contacts]


async def test_a_wrong_contact_shows_each_fields_error_and_keeps_the_input(admin: Portal) -> None:
    page = await admin.refused("/contacts/new", {**ANN, "name": "", "email": "nope", "business": ""},
                               "name", "must not be empty")
    assert error_next_to(page, "email", "must be an email address")
    assert error_next_to(page, "business", "at least one number")
    assert 'value="Acme"' in page
    await admin.refused("/contacts/new", {**ANN, "mobile": "call me"}, "mobile", "no digit")
    assert await names(admin) == []


async def test_search_and_pages(admin: Portal) -> None:
    await add(admin, *(ContactSpec(f"Person {n:02d}", mobile=f"5550{n:03d}") for n in range(25)),
              ContactSpec("Zed", company="Widgets & Co", business="777"))
    first = await (await admin.client.get("/contacts")).text()
    assert "Total: 26" in first and "Person 19" in first and "Person 20" not in first
    assert 'href="/contacts?q=&amp;page=2"' in first
    second = await (await admin.client.get("/contacts?page=2")).text()
    assert "Person 20" in second and "Zed" in second and "Person 00" not in second and 'rel="next"' not in second
    found = await (await admin.client.get("/contacts?q=widgets+%26")).text()
    assert "Total: 1" in found and "Widgets &amp; Co" in found and 'value="widgets &amp;"' in found
    assert "No contact matches." in await (await admin.client.get("/contacts?q=nobody")).text()
    assert (await admin.client.get("/contacts?page=abc")).status == 200


async def test_bulk_delete_removes_the_ticked_contacts_or_none(admin: Portal) -> None:
    a, b, c = await add(admin, ContactSpec("A", mobile="1"), ContactSpec("B", mobile="2"), ContactSpec("C", mobile="3"))
    token = await admin.csrf("/contacts")
    response = await admin.client.post("/contacts/delete", data=[("csrf_token", token), ("ids", str(a)),
                                                                  ("ids", "9999")], allow_redirects=False)
    assert response.status == 302
    assert "refused: contact 9999 does not exist" in await (await admin.client.get("/contacts")).text()
    assert await names(admin) == ["A", "B", "C"]
    await admin.client.post("/contacts/delete", data=[("csrf_token", token), ("ids", str(a)), ("ids", str(c))])
    assert await names(admin) == ["B"]


async def test_import_adds_the_good_rows_and_shows_each_bad_row(admin: Portal) -> None:
    data = (HEADER + "Ann Lee,Acme,ann@acme.example,5550107,,\r\n,Nameless,,123,,\r\nBob,,bob@,,,\r\n").encode()
    status, page = await upload(admin, data)
    assert status == 200, page
    assert "Imported 1 contact(s)" in page and "2 row(s) were not imported" in page
    assert "<td>3</td><td>Contact Name</td><td>must not be empty</td>" in page
    assert "<td>4</td><td>Email</td>" in page and "<td>4</td><td>Business</td><td>at least one number" in page
    assert await names(admin) == ["Ann Lee"]


@pytest.mark.parametrize(("data", "message"), [
    ("Contact Name,Mobile\nJ\u00fcrgen,1\n".encode("cp1252"), "is not UTF-8 text (line 2)"),
    (b"Name,Fax\nAnn,1\n", "unknown column"),
    (b"", "is empty"),
])
async def test_an_unreadable_file_is_refused_next_to_the_file_field(admin: Portal, data: bytes, message: str) -> None:
    status, page = await upload(admin, data)
    assert status == 400 and error_next_to(page, "file", message), page
    assert await names(admin) == []


async def test_import_without_a_file_or_too_large_a_file_is_refused(admin: Portal) -> None:
    await admin.refused("/contacts/import", {}, "file", "choose a CSV file")
    status, _ = await upload(admin, HEADER.encode() + b"x" * (1024 * 1024 + 1))
    assert status == 302
    assert "the file is larger than 1024 KiB" in await (await admin.client.get("/contacts/import")).text()


async def test_export_downloads_every_contact_in_the_import_format(admin: Portal) -> None:
    await add(admin, ContactSpec("Zed, Jr.", home="+44 20 7946 0000"), ContactSpec("Ann", "Acme", "a@acme.example", "1"))
    response = await admin.client.get("/contacts/export")
    assert response.status == 200 and response.content_type == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="company-contacts.csv"'
    data = await response.read()
    assert list(csv.reader(io.StringIO(data.decode()))) == [
        ["Contact Name", "Company", "Email", "Business", "Mobile", "Home"],
        ["Ann", "Acme", "a@acme.example", "1", "", ""], ["Zed, Jr.", "", "", "", "", "+44 20 7946 0000"]]
    status, page = await upload(admin, data)
    assert "2 row(s) were already there" in page  # the same contacts: nothing doubled


async def test_match_options_are_saved_and_a_wrong_digit_count_is_refused(admin: Portal) -> None:
    page = await (await admin.client.get("/contacts/options")).text()
    assert re.search(r'<input checked[^>]*value="last_digits"', page) and 'value="7"' in page
    response = await admin.post_form("/contacts/options", {"match_mode": "exact", "match_digits": "9",
                                                           "ignore_symbols": "y"})
    assert response.status == 302
    async with admin.sessions() as session:
        options = await contacts.get_match_options(session)
        assert (options.match_mode, options.match_digits, options.ignore_symbols) == (NumberMatch.EXACT, 9, True)
    form = {"match_mode": "last_digits", "match_digits": "3"}
    await admin.refused("/contacts/options", form, "match_digits", "between 4 and 31")
    await admin.refused("/contacts/options", {**form, "match_digits": "32"}, "match_digits", "between 4 and 31")
    await admin.refused("/contacts/options", {**form, "match_mode": "fuzzy"}, "match_mode", "Not a valid choice")
