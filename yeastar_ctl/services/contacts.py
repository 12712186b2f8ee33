"""Company contacts (seed: Contacts > Company Contacts): CRUD, the caller-ID match options, the
match itself, and CSV import/export in one format (what is exported imports again).

A contact needs a name and at least one number (a contact without one can never be matched);
company, email and the other numbers are optional. Numbers are kept as typed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Sequence
from dataclasses import astuple, dataclass, fields
from typing import Final

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from yeastar_ctl.db.contact_models import (
    COMPANY_LENGTH,
    CONTACT_NAME_LENGTH,
    CONTACT_NUMBER_FIELDS,
    CONTACT_NUMBER_LENGTH,
    CONTACT_OPTIONS_ID,
    CompanyContact,
    ContactMatchOptions,
)
from yeastar_ctl.reports.table import Row, Table
from yeastar_ctl.services.contact_matching import (
    MATCH_DIGITS_RANGE,
    Candidate,
    MatchOptions,
    NumberMatch,
    best_match,
)
from yeastar_ctl.services.errors import NotFoundError, Problem, ValidationError
from yeastar_ctl.services.extensions import EMAIL, EMAIL_MAX
from yeastar_ctl.services.single_row import single_row
from yeastar_ctl.services.validation import Problems

PAGE_SIZE: Final = 20  # the seed's list shows 20 a page
EXPORT_CHUNK_ROWS: Final = 500


@dataclass(frozen=True)
class ContactSpec:
    """A contact's fields as given (form, API or CSV row); empty optional text means not set."""

    name: str
    company: str | None = None
    email: str | None = None
    business: str | None = None
    mobile: str | None = None
    home: str | None = None


CONTACT_FIELDS: Final = tuple(f.name for f in fields(ContactSpec))
# CSV header cells, in the seed's column order; a header may also use the field names.
CSV_COLUMNS: Final = ("Contact Name", "Company", "Email", "Business", "Mobile", "Home")
COLUMN_OF: Final = dict(zip(CONTACT_FIELDS, CSV_COLUMNS, strict=True))


@dataclass(frozen=True)
class ContactPage:
    contacts: list[CompanyContact]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return _page_count(self.total, self.per_page)


def _page_count(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


@dataclass(frozen=True)
class ImportProblem:
    row: int  # the CSV record, the header being row 1 (as a spreadsheet numbers it)
    field: str  # the column as the file names it
    message: str


@dataclass(frozen=True)
class ImportResult:
    added: int
    duplicates: int  # rows equal to a contact that exists (or to an earlier row): skipped
    problems: tuple[ImportProblem, ...]


# -- validation ------------------------------------------------------------------------------------


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _optional_text(problems: Problems, field: str, value: object, max_length: int) -> str | None:
    if _blank(value):
        return None
    return problems.text(field, value, max_length)


def _number(problems: Problems, field: str, value: object) -> str | None:
    cleaned = _optional_text(problems, field, value, CONTACT_NUMBER_LENGTH)
    if cleaned is not None and not any(ch.isdigit() for ch in cleaned):
        problems.add(field, f"must be a phone number (it has no digit), got {cleaned!r}")
        return None
    return cleaned


def checked(spec: ContactSpec) -> ContactSpec:
    """The spec trimmed (empty optional text: None), or ``ValidationError`` naming every wrong field."""
    problems = Problems()
    name = problems.text("name", spec.name, CONTACT_NAME_LENGTH)
    company = _optional_text(problems, "company", spec.company, COMPANY_LENGTH)
    email = _optional_text(problems, "email", spec.email, EMAIL_MAX)
    if email is not None and not EMAIL.fullmatch(email):
        problems.add("email", f"must be an email address, got {email!r}")
    numbers = {field: _number(problems, field, getattr(spec, field)) for field in CONTACT_NUMBER_FIELDS}
    if all(_blank(getattr(spec, field)) for field in CONTACT_NUMBER_FIELDS):
        problems.add("business", "at least one number (business, mobile or home) is needed")
    problems.raise_if_any()
    return ContactSpec(name=name or "", company=company, email=email, **numbers)


def spec_of(contact: CompanyContact) -> ContactSpec:
    return ContactSpec(*(getattr(contact, name) for name in CONTACT_FIELDS))


# -- CRUD ------------------------------------------------------------------------------------------


async def list_contacts(session: AsyncSession, search: str = "", page: int = 1,
                        per_page: int = PAGE_SIZE) -> ContactPage:
    """One page of contacts by name; ``search`` finds text in the name, company, email or a number."""
    if per_page < 1:
        raise ValidationError("per_page", f"must be at least 1, got {per_page}")
    query = select(CompanyContact)
    term = search.strip()
    if term:
        columns = (CompanyContact.name, CompanyContact.company, CompanyContact.email,
                   CompanyContact.business, CompanyContact.mobile, CompanyContact.home)
        query = query.where(or_(*(column.icontains(term, autoescape=True) for column in columns)))
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = min(max(page, 1), _page_count(total, per_page))
    rows = await session.scalars(
        query.order_by(CompanyContact.name, CompanyContact.id).offset((page - 1) * per_page).limit(per_page))
    return ContactPage(list(rows), total, page, per_page)


async def get_contact(session: AsyncSession, key: int | str) -> CompanyContact:
    contact = None
    if isinstance(key, int) or key.isdigit():
        contact = await session.get(CompanyContact, int(key))
    if contact is None:
        raise NotFoundError("contact", str(key))
    return contact


async def create_contact(session: AsyncSession, spec: ContactSpec) -> CompanyContact:
    contact = CompanyContact(**vars(checked(spec)))
    session.add(contact)
    await session.flush()
    return contact


async def update_contact(session: AsyncSession, key: int | str, spec: ContactSpec) -> CompanyContact:
    """Replace every field of the contact."""
    contact = await get_contact(session, key)
    for name, value in vars(checked(spec)).items():
        setattr(contact, name, value)
    await session.flush()
    return contact


async def delete_contact(session: AsyncSession, key: int | str) -> None:
    await session.delete(await get_contact(session, key))
    await session.flush()


async def delete_contacts(session: AsyncSession, keys: Sequence[int | str]) -> None:
    """Delete several contacts: all of them, or none when one does not exist."""
    if not keys:
        raise ValidationError("ids", "no contact was selected")
    for contact in [await get_contact(session, key) for key in keys]:
        await session.delete(contact)
    await session.flush()


# -- matching --------------------------------------------------------------------------------------


async def get_match_options(session: AsyncSession) -> ContactMatchOptions:
    return await single_row(session, ContactMatchOptions, CONTACT_OPTIONS_ID)


async def update_match_options(
    session: AsyncSession, *, match_mode: NumberMatch | str | None = None, match_digits: int | None = None,
    ignore_symbols: bool | None = None,
) -> ContactMatchOptions:
    """Change the given options; None leaves an option as it is."""
    problems = Problems()
    mode = problems.choice("match_mode", match_mode, NumberMatch) if match_mode is not None else None
    if match_digits is not None:
        problems.integer("match_digits", match_digits, *MATCH_DIGITS_RANGE)
    if ignore_symbols is not None:
        problems.flag("ignore_symbols", ignore_symbols)
    problems.raise_if_any()
    options = await get_match_options(session)
    if mode is not None:
        options.match_mode = mode
    if match_digits is not None:
        options.match_digits = match_digits
    if ignore_symbols is not None:
        options.ignore_symbols = ignore_symbols
    await session.flush()
    return options


def match_options_of(row: ContactMatchOptions) -> MatchOptions:
    return MatchOptions(row.match_mode, row.match_digits, row.ignore_symbols)


@dataclass(frozen=True)
class ContactDirectory:
    """The match options and every contact's numbers, read once, to match callers in memory."""

    options: MatchOptions
    candidates: tuple[Candidate, ...]

    def match(self, number: str) -> str | None:
        if self.options.mode == NumberMatch.DO_NOT_MATCH or not number.strip():
            return None
        found = best_match(number, self.candidates, self.options)
        return found.name if found is not None else None


async def load_contact_directory(session: AsyncSession) -> ContactDirectory:
    options = match_options_of(await get_match_options(session))
    if options.mode == NumberMatch.DO_NOT_MATCH:
        return ContactDirectory(options, ())
    rows = await session.execute(
        select(CompanyContact.id, CompanyContact.name, CompanyContact.business, CompanyContact.mobile,
               CompanyContact.home)
    )
    return ContactDirectory(options, tuple(Candidate(row.id, row.name, tuple(n for n in row[2:] if n)) for row in rows))


async def match_caller(session: AsyncSession, number: str) -> str | None:
    """The name of the company contact a caller's number belongs to, per the match options."""
    return (await load_contact_directory(session)).match(number)


# -- CSV -------------------------------------------------------------------------------------------


def _cells(spec: ContactSpec) -> Row:
    return tuple(value or "" for value in astuple(spec))


async def _export_rows(session: AsyncSession) -> AsyncIterator[Row]:
    stmt = select(*(getattr(CompanyContact, f) for f in CONTACT_FIELDS)).order_by(
        CompanyContact.name, CompanyContact.id).execution_options(yield_per=EXPORT_CHUNK_ROWS)
    # Fetched a chunk at a time, so a large list streams in constant memory.
    result = await (await session.connection()).stream(stmt)
    async for chunk in result.partitions(EXPORT_CHUNK_ROWS):
        for row in chunk:
            yield tuple(value or "" for value in row)


def export_table(session: AsyncSession) -> Table:
    """Every contact by name with the import's header, rows streamed from the database."""
    return Table("Company Contacts", CSV_COLUMNS, _export_rows(session))


def _decode(data: bytes) -> str:
    try:
        # utf-8-sig: spreadsheet programs put a byte-order mark in front of "CSV UTF-8".
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ValidationError("file", f"is not UTF-8 text (line {line}); save it as CSV UTF-8") from None


def _header_fields(header: list[str]) -> list[str | None]:
    """The field each column holds; None for a column without a heading (ignored)."""
    known = {label.casefold(): field for field, label in COLUMN_OF.items()}
    known.update({field: field for field in CONTACT_FIELDS})
    wanted = ", ".join(CSV_COLUMNS)
    result: list[str | None] = []
    for cell in header:
        if not cell.strip():
            result.append(None)
            continue
        field = known.get(cell.strip().casefold())
        if field is None:
            raise ValidationError("file", f"the header has an unknown column {cell.strip()!r}; columns: {wanted}")
        if field in result:
            raise ValidationError("file", f"the header has the column {cell.strip()!r} twice")
        result.append(field)
    if "name" not in result:
        raise ValidationError("file", f"the header has no {COLUMN_OF['name']!r} column; columns: {wanted}")
    return result


async def import_contacts(session: AsyncSession, data: bytes) -> ImportResult:
    """Add the good rows of a CSV file and report each bad row's problems (a row is added whole
    or not at all). A file that cannot be read at all (not UTF-8, no or a wrong header) raises
    ``ValidationError`` on the field ``file`` and adds nothing."""
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise ValidationError("file", f"is not a CSV file: {exc}") from None
    if header is None or not any(cell.strip() for cell in header):
        raise ValidationError("file", f"is empty; the first row must be the header: {', '.join(CSV_COLUMNS)}")
    columns = _header_fields(header)
    labels = [cell.strip() for cell in header]
    seen = {_cells(spec_of(c)) for c in await session.scalars(select(CompanyContact))}
    problems: list[ImportProblem] = []
    added, duplicates, row_number = [], 0, 1
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            problems.append(ImportProblem(row_number + 1, "file", f"cannot be read from here on: {exc}"))
            break
        if cells is None:
            break
        row_number += 1
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(columns):
            problems.append(ImportProblem(row_number, "row", f"has {len(cells)} cells, the header {len(columns)}"))
            continue
        given = {f: cell for f, cell in zip(columns, cells, strict=False) if f}  # short rows: the rest is empty
        try:
            spec = checked(ContactSpec(**{field: given.get(field, "") for field in CONTACT_FIELDS}))
        except ValidationError as exc:
            problems.extend(ImportProblem(row_number, _label(p, columns, labels), p.message) for p in exc.problems)
            continue
        if _cells(spec) in seen:
            duplicates += 1
            continue
        seen.add(_cells(spec))
        added.append(CompanyContact(**vars(spec)))
    session.add_all(added)
    await session.flush()
    return ImportResult(len(added), duplicates, tuple(problems))


def _label(problem: Problem, columns: list[str | None], labels: list[str]) -> str:
    """The column as the file's header names it (a field it lacks: the standard name)."""
    return labels[columns.index(problem.field)] if problem.field in columns else COLUMN_OF.get(
        problem.field, problem.field)
