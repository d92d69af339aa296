"""Pattern readers under random damage: every outcome is a pattern or the project's own located error."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lifetui.errors import PatternError
from lifetui.patterns import parse_pattern

HEADERS = st.sampled_from(
    ["x = 3, y = 3", "x = 3, y = 3, rule = B3/S23", "x=10,y=2,rule=b36s23:T20,20", "", "x = 0, y = 0"]
)
BODY = st.text(alphabet="bo$!0123456789 \n.ABpqxyz#[]", max_size=200)
COMMENTS = st.lists(
    st.sampled_from(["#N name", "#O me", "#C note", "#r B2/S", "#CXRLE Pos=1,2 Gen=3", "#P 1 2"]), max_size=3
)


def damage(data: bytes, edits: list[tuple[int, int]]) -> bytes:
    buffer = bytearray(data)
    for position, value in edits:
        if buffer:
            buffer[position % len(buffer)] = value
    return bytes(buffer)


def outcome(data: bytes, suffix: str) -> None:
    try:
        pattern = parse_pattern(data, "fuzz", suffix)
    except PatternError as err:
        assert str(err).startswith("fuzz")
        assert "\n" not in str(err)
        return
    assert pattern.width >= 0 and pattern.height >= 0
    if len(pattern.runs):
        assert pattern.runs[:, 2].min() >= 1
        assert (pattern.runs[:, 1] + pattern.runs[:, 2]).max() <= pattern.width
        assert pattern.runs[:, 0].max() < pattern.height


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    comments=COMMENTS,
    header=HEADERS,
    body=BODY,
    edits=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=4),
    suffix=st.sampled_from([".rle", "", ".cells", ".lif"]),
)
def test_damaged_rle_parses_or_fails_cleanly(comments, header, body, edits, suffix):
    text = "\n".join([*comments, header, body])
    outcome(damage(text.encode(), edits), suffix)


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".rle", "", ".cells", ".lif", ".life"]))
def test_arbitrary_bytes_parse_or_fail_cleanly(data, suffix):
    outcome(data, suffix)
