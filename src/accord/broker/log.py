"""One partition's append-only log: offsets, retention by time and size, compaction."""

from __future__ import annotations

from bisect import bisect_left
from operator import itemgetter

from .partitioning import key_bytes
from .records import KEY, OFFSET, SIZE, TIMESTAMP, Record, Row

_offset_of = itemgetter(OFFSET)
_timestamp_of = itemgetter(TIMESTAMP)


class PartitionLog:
    """Records of one partition, oldest first.

    Offsets are never reused. Retention drops records from the head; compaction drops
    them from the middle, leaving gaps, so lookups go by offset (bisect), with a direct
    index as the fast path while the log has no gaps.
    """

    __slots__ = ("_clean", "_head", "_records", "bytes", "end_offset", "offline_until",
                 "removed")

    def __init__(self) -> None:
        # A list with a moving head instead of a deque: bisect needs random access.
        self._records: list[Row] = []
        self._head = 0
        self.end_offset = 0  # the next offset to be written (Kafka's log-end offset)
        self.bytes = 0  # sum of record sizes still retained
        self.removed = 0  # records deleted by retention or compaction, ever
        self._clean = (0, 0)  # (end offset, retained records) after the last compaction
        self.offline_until = 0  # leader gone: no reads or writes before this time

    def __len__(self) -> int:
        return len(self._records) - self._head

    @property
    def start_offset(self) -> int:
        """The oldest retained offset (``end_offset`` when the log is empty)."""
        if self._head < len(self._records):
            return self._records[self._head][OFFSET]
        return self.end_offset

    def append(self, row: Row) -> None:
        """Add a record written with offset ``end_offset``."""
        self._records.append(row)
        self.end_offset = row[OFFSET] + 1
        self.bytes += row[SIZE]

    def index_at_or_after(self, offset: int) -> int:
        """List index of the first retained record with offset >= ``offset``."""
        records = self._records
        head = self._head
        if head < len(records):
            i = head + offset - records[head][OFFSET]
            if head <= i < len(records) and records[i][OFFSET] == offset:
                return i  # no gap: direct
        return bisect_left(records, offset, lo=head, key=_offset_of)

    def read(self, offset: int, limit: int) -> list[Row]:
        """Up to ``limit`` retained records from ``offset`` on (skipping gaps)."""
        i = self.index_at_or_after(offset)
        return self._records[i : i + limit]

    def count_from(self, offset: int) -> int:
        """How many retained records have offset >= ``offset``."""
        return len(self._records) - self.index_at_or_after(offset)

    def get(self, offset: int) -> Row | None:
        """The record at ``offset`` if it is still retained."""
        i = self.index_at_or_after(offset)
        records = self._records
        if i < len(records) and records[i][OFFSET] == offset:
            return records[i]
        return None

    def records(self) -> list[Record]:
        """The retained records, oldest first."""
        return [Record.from_row(row) for row in self._records[self._head :]]

    def offset_for_time(self, timestamp: int) -> int:
        """Kafka's ``offsetsForTimes``: the first offset whose timestamp >= ``timestamp``.

        ``end_offset`` when every retained record is older. Timestamps are the virtual
        clock at publish, so they never decrease along the log and bisect is exact.
        """
        i = bisect_left(self._records, timestamp, lo=self._head, key=_timestamp_of)
        return self._records[i][OFFSET] if i < len(self._records) else self.end_offset

    def _drop_head(self, count: int) -> None:
        records = self._records
        for r in records[self._head : self._head + count]:
            self.bytes -= r[SIZE]
        self._head += count
        self.removed += count
        # Compact the list now and then, so trimming stays amortised O(1).
        if self._head > 1024 and self._head * 2 > len(records):
            del records[: self._head]
            self._head = 0

    def drop_before(self, offset: int) -> int:
        """Drop every retained record with an offset below ``offset``; returns the count."""
        count = self.index_at_or_after(offset) - self._head
        if count > 0:
            self._drop_head(count)
        return max(count, 0)

    def lose_since(self, timestamp: int) -> list[int]:
        """Drop the records written at or after ``timestamp`` (a broker crash losing what
        it had not flushed); returns their offsets. Offsets are not reused: a gap stays."""
        records = self._records
        i = bisect_left(records, timestamp, lo=self._head, key=_timestamp_of)
        lost = [r[OFFSET] for r in records[i:]]
        for r in records[i:]:
            self.bytes -= r[SIZE]
        del records[i:]
        self.removed += len(lost)
        return lost

    def expire_before(self, cutoff: int) -> int:
        """Retention by time: drop records with timestamp < ``cutoff``; returns the count."""
        i = bisect_left(self._records, cutoff, lo=self._head, key=_timestamp_of)
        count = i - self._head
        if count:
            self._drop_head(count)
        return count

    def trim_to_bytes(self, limit: int) -> int:
        """Retention by size: drop oldest records until ``bytes <= limit``.

        The newest record always stays, as Kafka never deletes the active segment.
        """
        records = self._records
        count = 0
        total = self.bytes
        i = self._head
        last = len(records) - 1
        while total > limit and i < last:
            total -= records[i][SIZE]
            i += 1
            count += 1
        if count:
            self._drop_head(count)
        return count

    def dirty(self) -> bool:
        """Worth compacting: the records written since the last compaction are at least as
        many as those it kept (Kafka's default min.cleanable.dirty.ratio of 0.5)."""
        clean_end, clean_len = self._clean
        return self.end_offset - clean_end >= max(1, clean_len)

    def compact(self) -> int:
        """Keep only the newest record per key (keyless records all stay); returns removed."""
        live = self._records[self._head :]
        # Keys compare as bytes, as on the wire: "a" and b"a" are the same key.
        newest: dict[bytes, int] = {}
        for r in live:
            if r[KEY] is not None:
                newest[key_bytes(r[KEY])] = r[OFFSET]
        kept = [r for r in live if r[KEY] is None or newest[key_bytes(r[KEY])] == r[OFFSET]]
        removed = len(live) - len(kept)
        if removed:
            self._records = kept
            self._head = 0
            self.bytes = sum(r[SIZE] for r in kept)
            self.removed += removed
        self._clean = (self.end_offset, len(self))
        return removed
