"""Garbage in: the profile loader raises ProfileError with a location, or loads; nothing else."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.core.errors import ProfileError
from planner.io.profiles import dumps_profile, loads_profile

HEADER = 'format = "rig-planner-profile"\nschema_version = 1\n'

toml_scalars = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=20),
    st.dates(),
)
toml_values = st.recursive(
    toml_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.text(string.ascii_lowercase + "_", min_size=1, max_size=8), inner, max_size=4
        ),
    ),
    max_leaves=12,
)
keys = st.sampled_from(
    ["id", "count", "power_limit_w", "mode", "precision", "batch_size", "seq_len", "name", "x"]
)


def _fits_or_fails_cleanly(text: str) -> None:
    try:
        build = loads_profile(text, "fuzz.rigplan.toml")
    except ProfileError as error:
        assert error.location.file == "fuzz.rigplan.toml"
        assert error.message
        return
    # Whatever loads must save and load back to the same build (byte-identical on a second
    # save; == would fail on NaN in unknown fields, which TOML allows).
    text = dumps_profile(build)
    assert dumps_profile(loads_profile(text)) == text


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(max_size=300))
def test_random_text(text: str) -> None:
    _fits_or_fails_cleanly(text)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(max_size=200))
def test_random_text_after_a_valid_header(text: str) -> None:
    _fits_or_fails_cleanly(HEADER + text)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.lists(st.dictionaries(keys, toml_values, max_size=6), max_size=4),
    st.lists(st.dictionaries(keys, toml_values, max_size=6), max_size=3),
    st.dictionaries(st.sampled_from(["electricity_usd_per_kwh", "wall_circuit", "y"]), toml_values),
)
def test_structured_garbage(
    parts: list[dict[str, object]],
    workloads: list[dict[str, object]],
    settings_table: dict[str, object],
) -> None:
    import tomli_w

    document = {
        "format": "rig-planner-profile",
        "schema_version": 1,
        "settings": settings_table,
        "parts": parts,
        "workloads": workloads,
    }
    try:
        text = tomli_w.dumps(document)
    except (TypeError, ValueError):
        return
    _fits_or_fails_cleanly(text)
