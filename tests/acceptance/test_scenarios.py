"""Every acceptance scenario (scenarios/*.json) through the real API: one test per scenario, each
with a fresh organisation, its own token and the real database."""

import pytest
from rest_framework.test import APIClient

from accounts.services import create_organization, issue_api_token

from .runner import ScenarioError, ScenarioRunner, load_scenario, scenario_files

FILES = scenario_files()


def client_for_new_organization(make_user, email: str) -> APIClient:
    user = make_user(email)
    organization = create_organization(name="新規の所属機関", representative=user)
    _token, raw = issue_api_token(user=user, organization=organization, name="acceptance")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_every_shared_scenario_is_here():
    assert len(FILES) >= 7
    assert {p.name[:2] for p in FILES} >= {"01", "02", "03", "04", "05", "06", "07"}


@pytest.mark.django_db
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_scenario(path, make_user):
    scenario = load_scenario(path)
    runner = ScenarioRunner(client_for_new_organization(make_user, "acceptance@example.jp"), path.stem)
    runner.run(scenario)


@pytest.mark.django_db
def test_runner_rejects_an_unknown_step(make_user):
    runner = ScenarioRunner(client_for_new_organization(make_user, "a@example.jp"), "bad-step")
    with pytest.raises(ScenarioError, match=r"bad-step: step 2 \(frobnicate\): unknown step 'frobnicate'"):
        runner.run({"title": "t", "steps": [{"step": "expect", "missing": [], "covered": []}, {"step": "frobnicate"}]})


@pytest.mark.django_db
@pytest.mark.parametrize(
    "step",
    [
        {"step": "expect", "missing": [], "covered": [], "surprise": 1},
        {"step": "add_workplace", "ref": "w", "name": "x", "postal_code": "1900012"},
        {"step": "set_organization", "contact": {"fax": "1"}},
        {"step": "lookup", "expect_codes": []},
        {"step": "expect_error", "call": {"step": "expect", "missing": [], "covered": []}, "status": 400},
    ],
    ids=["unknown field", "missing field", "unknown contact field", "lookup without input", "expect as call"],
)
def test_runner_rejects_malformed_steps(make_user, step):
    runner = ScenarioRunner(client_for_new_organization(make_user, "a@example.jp"), "malformed")
    with pytest.raises(ScenarioError, match=r"^malformed: step 1 "):
        runner.run({"title": "t", "steps": [step]})


@pytest.mark.django_db
def test_runner_fails_on_a_wrong_expectation_naming_the_step(make_user):
    runner = ScenarioRunner(client_for_new_organization(make_user, "a@example.jp"), "wrong")
    steps = [
        {"step": "add_workplace", "ref": "w", "name": "立川工場", "postal_code": "190-0012", "address": "立川市"},
        {"step": "expect", "missing": ["132021"], "covered": []},
    ]
    with pytest.raises(ScenarioError, match=r"wrong: step 2 \(expect\): missing is \[\], expected \['132021'\]"):
        runner.run({"title": "t", "steps": steps})
