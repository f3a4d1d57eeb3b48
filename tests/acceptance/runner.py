"""Runs an acceptance scenario (scenarios/*.json, see scenarios/README.md) through the real API.

Each step becomes API calls made with a client carrying a bearer token; ``expect`` steps compare
``GET /api/v1/requirements`` with the scenario. An unknown step or field is an error of the
scenario, never skipped. Every failure names the scenario and the step.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SCENARIOS_DIR = Path(__file__).resolve().parent / "scenarios"

#: step → (required fields, optional fields); "step" itself is implied.
STEP_FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "set_organization": (frozenset(), frozenset({"name", "contact"})),
    "add_workplace": (frozenset({"ref", "name", "postal_code", "address"}), frozenset({"municipality_code"})),
    "update_workplace": (frozenset({"ref"}), frozenset({"name", "postal_code", "address"})),
    "add_worker": (frozenset({"ref", "name", "nationality", "workplace", "residence"}), frozenset({"status"})),
    "update_worker": (frozenset({"ref"}), frozenset({"workplace", "residence", "status"})),
    "plan_application": (frozenset({"worker", "kind", "planned_date"}), frozenset()),
    "submit": (frozenset({"municipality", "method", "submitted_on"}), frozenset()),
    "expect": (frozenset({"missing", "covered"}), frozenset({"due"})),
    "lookup": (frozenset({"expect_codes"}), frozenset({"postal_code", "address"})),
    "expect_error": (frozenset({"call", "status"}), frozenset()),
}
SCENARIO_FIELDS = frozenset({"title", "basis", "steps"})
CONTACT_FIELDS = frozenset({"department", "name", "phone", "email"})
RESIDENCE_FIELDS = frozenset({"postal_code", "address"})


class ScenarioError(AssertionError):
    """A scenario failed, or is malformed; the message names the scenario and the step."""


def scenario_files() -> list[Path]:
    return sorted(SCENARIOS_DIR.glob("*.json"))


def load_scenario(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


class ScenarioRunner:
    """Runs one scenario for one organisation, through ``client`` (authenticated with its token)."""

    def __init__(self, client: Any, name: str) -> None:
        self.client = client
        self.name = name
        self.refs: dict[str, int] = {}
        self.step_label = "(scenario)"

    # --- driving ---------------------------------------------------------------------------------

    def run(self, scenario: dict) -> None:
        unknown = set(scenario) - SCENARIO_FIELDS
        if unknown:
            self.fail(f"unknown scenario field(s) {sorted(unknown)}")
        steps = scenario.get("steps")
        if not isinstance(steps, list) or not steps:
            self.fail("a scenario needs a non-empty list of steps")
        for index, step in enumerate(steps, start=1):
            self.step_label = f"step {index} ({step.get('step', '?') if isinstance(step, dict) else '?'})"
            self.run_step(step)

    def run_step(self, step: dict) -> None:
        self.check_fields(step)
        getattr(self, f"do_{step['step']}")(step)

    def fail(self, message: str) -> None:
        raise ScenarioError(f"{self.name}: {self.step_label}: {message}")

    def check_fields(self, step: Any) -> None:
        if not isinstance(step, dict) or "step" not in step:
            self.fail(f"a step must be an object with a 'step' name, got {step!r}")
        kind = step["step"]
        if kind not in STEP_FIELDS:
            self.fail(f"unknown step {kind!r}")
        required, optional = STEP_FIELDS[kind]
        fields = set(step) - {"step"}
        missing = required - fields
        unknown = fields - required - optional
        if missing:
            self.fail(f"missing field(s) {sorted(missing)}")
        if unknown:
            self.fail(f"unknown field(s) {sorted(unknown)}")
        if kind == "lookup" and len(fields & {"postal_code", "address"}) != 1:
            self.fail("a lookup gives exactly one of postal_code or address")
        if kind == "set_organization" and "contact" in step:
            self.check_keys(step["contact"], CONTACT_FIELDS, "contact")
        if "residence" in step:
            self.check_keys(step["residence"], RESIDENCE_FIELDS, "residence")
        if kind == "expect_error":
            if not isinstance(step["call"], dict) or step["call"].get("step") in (None, "expect", "expect_error"):
                self.fail("expect_error needs a call that is an API-changing step")
            self.check_fields(step["call"])

    def check_keys(self, value: Any, allowed: frozenset[str], what: str) -> None:
        if not isinstance(value, dict):
            self.fail(f"{what} must be an object")
        unknown = set(value) - allowed
        if unknown:
            self.fail(f"unknown {what} field(s) {sorted(unknown)}")

    def ref(self, name: str) -> int:
        if name not in self.refs:
            self.fail(f"unknown ref {name!r}")
        return self.refs[name]

    def new_ref(self, name: str, pk: int) -> None:
        if name in self.refs:
            self.fail(f"ref {name!r} is already used")
        self.refs[name] = pk

    # --- HTTP ------------------------------------------------------------------------------------

    def call(self, method: str, path: str, body: dict | None = None, expected: int | None = 200) -> Any:
        url = f"/api/v1/{path}"
        if method == "get":
            response = self.client.get(url, body or {})
        else:
            response = getattr(self.client, method)(url, body or {}, format="json")
        if expected is not None and response.status_code != expected:
            content = getattr(response, "data", None) or response.content[:500]
            self.fail(f"{method.upper()} {url} answered {response.status_code}, expected {expected}: {content}")
        return response

    # --- steps -----------------------------------------------------------------------------------

    def request_for(self, step: dict) -> tuple[str, str, dict, int]:
        """The API call of a changing step: method, path, body, expected status."""
        kind = step["step"]
        if kind == "set_organization":
            return "patch", "organization", {k: step[k] for k in ("name", "contact") if k in step}, 200
        if kind == "add_workplace":
            body = {k: step[k] for k in ("name", "postal_code", "address", "municipality_code") if k in step}
            return "post", "workplaces", body, 201
        if kind == "update_workplace":
            body = {k: step[k] for k in ("name", "postal_code", "address") if k in step}
            return "patch", f"workplaces/{self.ref(step['ref'])}", body, 200
        if kind == "add_worker":
            body = {k: step[k] for k in ("name", "nationality", "residence", "status") if k in step}
            body["workplace"] = self.ref(step["workplace"])
            return "post", "workers", body, 201
        if kind == "update_worker":
            body = {k: step[k] for k in ("residence", "status") if k in step}
            if "workplace" in step:
                body["workplace"] = self.ref(step["workplace"])
            return "patch", f"workers/{self.ref(step['ref'])}", body, 200
        if kind == "plan_application":
            body = {"worker": self.ref(step["worker"]), "kind": step["kind"], "planned_date": step["planned_date"]}
            return "post", "applications", body, 201
        if kind == "submit":
            return "post", "confirmations", {"municipality_code": step["municipality"]}, 201
        self.fail(f"{kind!r} cannot be the call of expect_error")
        raise AssertionError  # unreachable: fail() raises

    def perform(self, step: dict) -> Any:
        method, path, body, expected = self.request_for(step)
        response = self.call(method, path, body, expected)
        if "ref" in step and step["step"].startswith("add_"):
            self.new_ref(step["ref"], response.json()["id"])
        return response

    def do_set_organization(self, step: dict) -> None:
        self.perform(step)

    do_add_workplace = do_update_workplace = do_add_worker = do_update_worker = do_set_organization
    do_plan_application = do_set_organization

    def do_submit(self, step: dict) -> None:
        confirmation = self.perform(step).json()
        body = {"method": step["method"], "submitted_on": step["submitted_on"]}
        answer = self.call("post", f"confirmations/{confirmation['id']}/submit", body, 200).json()
        if answer.get("status") != "submitted":
            self.fail(f"the confirmation was not submitted: {answer}")

    def do_expect(self, step: dict) -> None:
        report = self.call("get", "requirements").json()
        missing = sorted(e["municipality"]["code"] for e in report["missing"])
        covered = sorted(e["municipality"]["code"] for e in report["covered"])
        if missing != sorted(step["missing"]):
            self.fail(f"missing is {missing}, expected {sorted(step['missing'])}")
        if covered != sorted(step["covered"]):
            self.fail(f"covered is {covered}, expected {sorted(step['covered'])}")
        for entry in report["missing"]:
            if not entry["reasons"]:
                self.fail(f"missing {entry['municipality']['code']} has no reasons")
        due_dates = {e["municipality"]["code"]: e["due_date"] for e in report["missing"]}
        for code, date in (step.get("due") or {}).items():
            if code not in due_dates:
                self.fail(f"due date expected for {code}, which is not missing")
            if due_dates[code] != date:
                self.fail(f"due date of {code} is {due_dates[code]}, expected {date}")

    def do_lookup(self, step: dict) -> None:
        params = {k: step[k] for k in ("postal_code", "address") if k in step}
        results = self.call("get", "municipalities/lookup", params).json()["results"]
        codes = sorted({r["municipality"]["code"] for r in results})
        if codes != sorted(set(step["expect_codes"])):
            self.fail(f"lookup {params} gave {codes}, expected {sorted(step['expect_codes'])}")

    def state(self) -> dict:
        """Everything the organisation's API shows, to prove that a refused call changed nothing."""
        return {
            path: self.call("get", path).json()
            for path in ("organization", "workplaces", "workers", "applications", "confirmations", "requirements")
        }

    def do_expect_error(self, step: dict) -> None:
        call = step["call"]
        before = self.state()
        method, path, body, _expected = self.request_for(call)
        response = self.call(method, path, body, expected=None)
        if response.status_code != step["status"]:
            self.fail(f"{call['step']} answered {response.status_code}, expected {step['status']}")
        if response.status_code == 400 and "errors" not in response.json():
            self.fail(f"a 400 answer must carry errors: {response.json()}")
        if self.state() != before:
            self.fail(f"{call['step']} was refused but changed something")
