"""A report's output: a title, its columns and its rows as text cells, produced lazily.

Rows are an async iterator so that the CSV export and the portal can stream a year of calls
without holding it; the CLI's printed table is the only consumer that buffers.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Sequence
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


class RowBatches(AsyncIterator[Row]):
    """Rows made a batch at a time (a large export): iterated row by row like any other
    ``Table.rows``, while ``batches()`` hands whole batches to a consumer that can take them
    (the CSV export), saving an await per row. Read it one way or the other, not both."""

    def __init__(self, batches: AsyncIterator[Sequence[Row]]) -> None:
        self._batches = batches
        self._current: Sequence[Row] = ()
        self._next = 0

    async def __anext__(self) -> Row:
        while self._next >= len(self._current):
            self._current = await anext(self._batches)
            self._next = 0
        self._next += 1
        return self._current[self._next - 1]

    def batches(self) -> AsyncIterator[Sequence[Row]]:
        return self._batches


async def row_batches(rows: AsyncIterator[Row]) -> AsyncIterator[Sequence[Row]]:
    """``rows`` in the batches they are made in (one row each for a plain stream)."""
    if isinstance(rows, RowBatches):
        async for batch in rows.batches():
            yield batch
        return
    async for row in rows:
        yield (row,)


def batched(items: AsyncIterable[T], cells: Callable[[T], Sequence[Row]]) -> RowBatches:
    """Rows made by ``cells`` from each item (a batch of source rows) in turn."""

    async def batches() -> AsyncIterator[Sequence[Row]]:
        async for item in items:
            yield cells(item)

    return RowBatches(batches())


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
