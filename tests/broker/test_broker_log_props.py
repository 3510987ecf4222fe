"""Property tests of the log: retention by time and size, compaction, offsetsForTimes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from accord.broker import EmbeddedBroker

# A step: publish a value of some size under some key, then advance the clock.
steps = st.lists(
    st.tuples(st.integers(0, 20), st.sampled_from([None, "a", "b", "c"]), st.integers(0, 40)),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(steps=steps, retention_ms=st.integers(0, 100))
def test_time_retention_keeps_exactly_the_young(
    steps: list[tuple[int, str | None, int]], retention_ms: int
) -> None:
    b = EmbeddedBroker()
    b.create_topic("t", retention_ms=retention_ms)
    model: list[tuple[int, int]] = []  # (offset, timestamp) a reference log would retain
    for size, key, wait in steps:
        r = b.publish("t", b"x" * size, key=key)
        model.append((r.offset, r.timestamp))
        b.advance(wait)
        # retention runs as the clock advances: a record lives retention_ms, no longer
        model = [(o, ts) for o, ts in model if b.now - ts < retention_ms]
    assert [r.offset for r in b.records("t")] == [o for o, _ in model]


@settings(max_examples=150, deadline=None)
@given(steps=steps, limit=st.integers(0, 60))
def test_size_retention_keeps_the_longest_suffix_that_fits(
    steps: list[tuple[int, str | None, int]], limit: int
) -> None:
    b = EmbeddedBroker()
    b.create_topic("t", retention_bytes=limit)
    sizes = []
    for size, key, _ in steps:
        b.publish("t", b"x" * size, key=key)
        sizes.append(size + (len(key) if key else 0))
    kept = [r.offset for r in b.records("t")]
    if not sizes:
        assert kept == []
        return
    # The newest record always stays; then as many older ones as fit under the limit.
    # Trimming happens per publish, so the suffix only ever shrinks from the front.
    assert kept[-1] == len(sizes) - 1
    assert sum(sizes[o] for o in kept) <= limit or len(kept) == 1
    assert kept == list(range(kept[0], len(sizes)))
    if kept[0] > 0:  # and it is the longest: one more record would not fit
        assert sum(sizes[kept[0] - 1 :]) > limit
    assert b.metrics().topics["t"].retained_bytes == sum(sizes[o] for o in kept)


@settings(max_examples=150, deadline=None)
@given(steps=steps)
def test_compaction_keeps_the_newest_per_key_and_all_keyless(
    steps: list[tuple[int, str | None, int]],
) -> None:
    b = EmbeddedBroker()
    b.create_topic("t", compact=True)
    keys = []
    for size, key, _ in steps:
        b.publish("t", b"x" * size, key=key)
        keys.append(key)
    b.compact("t")
    newest = {k: o for o, k in enumerate(keys) if k is not None}
    expected = [o for o, k in enumerate(keys) if k is None or newest[k] == o]
    assert [r.offset for r in b.records("t")] == expected


@settings(max_examples=150, deadline=None)
@given(steps=steps, at=st.integers(0, 900))
def test_seek_by_timestamp_is_offsets_for_times(
    steps: list[tuple[int, str | None, int]], at: int
) -> None:
    b = EmbeddedBroker()
    b.create_topic("t")
    published = []
    for size, key, wait in steps:
        published.append(b.publish("t", b"x" * size, key=key))
        b.advance(wait)
    later = [r.offset for r in published if r.timestamp >= at]
    target = later[0] if later else len(published)
    assert b.seek("g", "t", timestamp=at) == {0: target}
    consumer = b.subscribe("t", "g")
    assert [d.offset for d in consumer.poll(100)] == list(range(target, len(published)))
