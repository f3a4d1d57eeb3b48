import pytest

from tests.membership.factories import ensure_seed_data


@pytest.fixture(autouse=True)
def _membership_seed_data(django_db_blocker):
    # Transactional tests elsewhere flush the tables the data migrations filled.
    with django_db_blocker.unblock():
        ensure_seed_data()


@pytest.fixture(autouse=True)
def _japanese():
    # Messages are asserted in Japanese; a test elsewhere may have left another language active.
    from django.utils import translation

    translation.activate("ja")
    yield
    translation.activate("ja")
