"""A report's output: a title, its columns and its rows as text cells, produced lazily.

Rows are an async iterator so that the CSV export and the portal can stream a year of calls
without holding it; the CLI's printed table is the only consumer that buffers.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

Row = tuple[str, ...]
T = TypeVar("T")
K = TypeVar("K")
A = TypeVar("A")


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[str, ...]
    rows: AsyncIterator[Row]


async def rows_of(items: Iterable[Row]) -> AsyncIterator[Row]:
    """Rows already computed (small reports) as the async stream a ``Table`` carries."""
    for row in items:
        yield row


async def mapped(items: AsyncIterable[T], cells: Callable[[T], Row]) -> AsyncIterator[Row]:
    async for item in items:
        yield cells(item)


async def with_group_totals(
    items: AsyncIterable[T],
    key: Callable[[T], K],
    cells: Callable[[T], Row],
    empty: A,
    add: Callable[[A, T], A],
    total_cells: Callable[[K, A], Row],
) -> AsyncIterator[Row]:
    """Each item's row, and after every run of equal keys a total row folded from the run.

    ``items`` must arrive sorted by key; only the running total is kept, so memory is flat.
    """
    current: tuple[K, A] | None = None
    async for item in items:
        item_key = key(item)
        if current is not None and current[0] != item_key:
            yield total_cells(*current)
            current = None
        current = (item_key, add(empty if current is None else current[1], item))
        yield cells(item)
    if current is not None:
        yield total_cells(*current)
