"""Municipality fixtures shared by every app's tests (registered from tests/conftest.py).

Every test database holds the full master data (1,741 filing municipalities and 171 wards),
loaded once per session. A transactional or live-server test flushes the tables when it ends;
the master data is then put back straight away so that the tests after it find it too.
"""

import pytest
from pytest_django.plugin import blocking_manager_key


def _load() -> None:
    from municipalities.services import refresh_municipalities

    refresh_municipalities()


def _missing() -> bool:
    from municipalities.models import Municipality

    return not Municipality.objects.exists()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _load()


@pytest.fixture
def municipalities_loaded(django_db_blocker):
    """The master data, reloaded if a flushed database lost it (about a second)."""
    with django_db_blocker.unblock():
        if _missing():
            _load()


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    names = getattr(item, "fixturenames", ())
    return "transactional_db" in names or "live_server" in names


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    # The test's flush has run by now: restore the master data for the tests that follow. A test
    # that was skipped before its database was set up flushed nothing, and may have no tables.
    setup_report = getattr(item, "report_setup", None)
    if setup_report is not None and not setup_report.passed:
        return
    if _is_transactional(item) and blocking_manager_key in item.config.stash:
        with item.config.stash[blocking_manager_key].unblock():
            if _missing():
                _load()


@pytest.fixture
def tachikawa(db):
    """東京都立川市 (132021), a municipality with published guidance."""
    from municipalities.models import Municipality

    return Municipality.objects.get(code="132021")
