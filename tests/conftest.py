"""The suite's fixtures come from the plugins in tests/fixtures (see docs/developing.md, Tests)."""

from __future__ import annotations

import pytest
from hypothesis import settings

# The plugins' asserts are rewritten like the tests' (they are imported here, before pytest
# would load them as plugins).
pytest.register_assert_rewrite("tests.fixtures")

from tests.fixtures.app import IsolatedClient  # noqa: E402
from tests.fixtures.people import PASSWORD, login  # noqa: E402

pytest_plugins = [
    "tests.fixtures.app",
    "tests.fixtures.people",
    "tests.fixtures.campaigns",
    "tests.fixtures.donations",
    "tests.fixtures.stripe",
    "tests.fixtures.mail",
    "tests.fixtures.students",
    "tests.fixtures.world",
]

# Tests written before the plugins import these from here.
__all__ = ["PASSWORD", "IsolatedClient", "login"]

# Property tests check behaviour, not speed: on a loaded 2-core CI machine a 200 ms deadline
# per example fails for reasons that have nothing to do with the code.
settings.register_profile("thapsang", deadline=None)
settings.load_profile("thapsang")
