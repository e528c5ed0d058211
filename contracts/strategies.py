"""Hypothesis strategies and settings of the contract suite: names, schedules, mapping rows."""
from __future__ import annotations

import string

from hypothesis import HealthCheck, settings, strategies as st

from mockaep_contracts.targets import is_deterministic


#: The contracts' "now" (2026-01-01T00:00:00Z, epoch seconds): schedules and run windows are built
#: from it rather than the wall clock, so every run sends the same requests (replayable).
CONTRACT_NOW = 1_767_225_600


def contract_settings(max_examples: int) -> settings:
    """Modest example counts (the suite also runs over HTTP and against the platform); derandomized
    for targets that replay recorded traffic, whose requests must repeat from run to run."""
    deterministic = is_deterministic()
    return settings(max_examples=max_examples, deadline=None, derandomize=deterministic,
                    database=None if deterministic else settings.default.database,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                           HealthCheck.filter_too_much])


_TEXT = st.characters(categories=("L", "N", "P", "Zs"), exclude_characters="\x00")

#: Display names: letters, digits, punctuation and spaces, never blank.
names = st.text(_TEXT, min_size=1, max_size=60).map(str.strip).filter(bool)
descriptions = st.text(_TEXT, min_size=0, max_size=160)

FREQUENCIES = ("minute", "hour", "day", "week")
#: Epoch seconds between 2020 and 2035.
start_times = st.integers(min_value=1_577_836_800, max_value=2_051_222_400)


@st.composite
def valid_schedules(draw) -> dict:
    """scheduleParams the CRMToAEP flow spec accepts, typed or as the numeric strings tutorials send."""
    frequency = draw(st.sampled_from(FREQUENCIES))
    interval = draw(st.integers(min_value=15 if frequency == "minute" else 1, max_value=10_000))
    params = {"startTime": draw(start_times), "frequency": frequency, "interval": interval}
    if draw(st.booleans()):
        params["backfill"] = draw(st.booleans())
    if draw(st.booleans()):  # the tutorial's string-typed form
        params = {key: (str(value).lower() if isinstance(value, bool) else str(value)) if key != "frequency" else value
                  for key, value in params.items()}
    return params


@st.composite
def invalid_schedules(draw) -> tuple[str, dict]:
    """(why, scheduleParams) that break the flow spec's schedule schema."""
    base = {"startTime": draw(start_times), "frequency": "hour", "interval": 1}
    why = draw(st.sampled_from(("minute interval below 15", "unknown frequency", "non-numeric interval",
                                "non-numeric startTime", "missing frequency", "zero interval")))
    if why == "minute interval below 15":
        base.update(frequency="minute", interval=draw(st.integers(min_value=-5, max_value=14)))
    elif why == "unknown frequency":
        base["frequency"] = draw(st.text(string.ascii_letters, min_size=1, max_size=12)
                                 .filter(lambda f: f not in FREQUENCIES + ("once",)))
    elif why == "non-numeric interval":
        base["interval"] = draw(st.text(string.ascii_letters, min_size=1, max_size=8))
    elif why == "non-numeric startTime":
        base["startTime"] = draw(st.text(string.ascii_letters + "-:", min_size=1, max_size=12))
    elif why == "missing frequency":
        del base["frequency"]
    else:
        base["interval"] = draw(st.integers(min_value=-100, max_value=0))
    return why, base


#: Source column names as CRM tables name them.
column_names = st.from_regex(r"\A[A-Z][A-Za-z0-9_]{0,20}\Z", fullmatch=True)
