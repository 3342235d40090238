"""Every page has its API operation (issue 17, item 8): a script does what a person does on the
pages. Each named URL of the web app maps to the OpenAPI operation ids that do what the page
does; the exemptions say why a page has none. A new page fails here until it is given its
operation or an exemption, and a mapping fails when its operation leaves the schema."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from pairaid.api import api


def _operations(room: str, *names: str) -> tuple[str, ...]:
    return tuple(f"pairaid_{room}_api_{name}" for name in names)


# The page's URL name (namespace:name) -> the operations that read or do what it reads or does.
PAGE_OPERATIONS: dict[str, tuple[str, ...]] = {
    "home": _operations("programmes", "list_programmes"),
    # programmes
    "programmes:participants": _operations("programmes", "list_participants"),
    "programmes:participant": _operations("programmes", "get_participant", "add_line"),
    "programmes:delete_line": _operations("programmes", "delete_line"),
    "programmes:edit_line": _operations("programmes", "get_line", "edit_line"),
    "programmes:set_date": _operations("programmes", "set_programme_date"),
    "programmes:settings": _operations(
        "programmes",
        "get_programme",
        "set_reporting",
        "set_occupancy_thresholds",
        "set_alerts",
        "list_clusters",
        "create_cluster",
    ),
    "programmes:cluster": _operations("programmes", "edit_cluster", "delete_cluster"),
    # The upload's rows are the lines the API adds one at a time.
    "programmes:lines_upload": _operations("programmes", "add_line"),
    # accounts
    "accounts:members": _operations("accounts", "list_members", "create_account"),
    "accounts:reset_password": _operations("accounts", "reset_password"),
    # The history's CSV (?format=csv) is the same list as a file.
    "accounts:history": _operations("accounts", "change_history"),
    # registry
    "registry:region": _operations("registry", "get_region"),
    "registry:case_series_csv": _operations("registry", "get_case_series"),
    "dashboard:overview": _operations("dashboard", "get_overview"),
    # pairing and plan runs
    "pairing:workspace": _operations("pairing", "list_runs", "start_run", "list_pairings"),
    "pairing:run": _operations("pairing", "get_run"),
    "pairing:run_status": _operations("pairing", "get_run"),
    "pairing:approve": _operations("pairing", "approval_changes", "approve_run"),
    "pairing:revert": _operations("pairing", "revert_changes", "revert_run"),
    "pairing:tradeoff": _operations("pairing", "get_tradeoff"),
    "pairing:discard": _operations("pairing", "discard_run"),
    "pairing:replay": _operations("pairing", "replay_run"),
    "pairing:retry": _operations("pairing", "retry_run"),
    "pairing:notices": _operations("pairing", "list_notices"),
    "pairing:phases": ("pairaid_pairing_phases_api_get_phases",),
    "pairing:publish": _operations("pairing", "publish_notice"),
    "pairing:notice": _operations("pairing", "get_notice"),
    # forecast runs and the evaluation of results
    "foresight:runs": _operations(
        "foresight", "list_forecast_runs", "start_forecast_run", "list_backtest_runs"
    ),
    "foresight:backtests": _operations("foresight", "start_backtest_run"),
    "foresight:backtest": _operations("foresight", "get_backtest_run"),
    "foresight:backtest_status": _operations("foresight", "get_backtest_run"),
    "foresight:run": _operations("foresight", "get_forecast_run"),
    "foresight:run_status": _operations("foresight", "get_forecast_run"),
    "foresight:recipient": _operations("foresight", "get_forecast_run"),
    "foresight:latest": _operations("foresight", "list_forecast_runs", "get_forecast_run"),
    "foresight:evaluation": _operations("foresight", "list_outcomes"),
    "foresight:recipient_evaluation": _operations("foresight", "get_outcomes"),
    # operations
    "operations:requests": _operations("operations", "list_requests", "raise_request"),
    "operations:pledge": _operations("operations", "pledge"),
    "operations:dispatch": _operations("operations", "dispatch", "list_shipments"),
    "operations:receive": _operations("operations", "receive"),
    "operations:renew": _operations("operations", "renew_request"),
    "operations:edit_request": _operations("operations", "get_request", "edit_request"),
    "operations:edit_facility": _operations("operations", "get_facility", "edit_facility"),
    "operations:edit_team": _operations("operations", "get_team", "edit_team"),
    "operations:edit_contact": _operations("operations", "get_contact", "edit_contact"),
    "operations:disburse": _operations("operations", "disburse"),
    "operations:receive_disbursement": _operations("operations", "receive_disbursement"),
    "operations:funds": _operations(
        "operations",
        "list_commitments",
        "commit_funds",
        "disburse_on_commitment",
        "list_disbursements",
    ),
    "operations:teams": _operations("operations", "list_teams", "register_team"),
    "operations:deploy": _operations("operations", "deploy"),
    "operations:move": _operations("operations", "move"),
    "operations:facilities": _operations("operations", "list_facilities", "register_facility"),
    "operations:care_ratios": _operations("operations", "get_care_ratios", "set_care_ratios"),
    "operations:snapshot": _operations("operations", "record_snapshot", "list_snapshots"),
    "operations:transfers": _operations(
        "operations", "list_transfers", "request_transfer", "get_transfer", "community_queue"
    ),
    "operations:move_transfer": _operations("operations", "move_transfer"),
    "operations:offers": _operations("operations", "list_offers", "make_offer"),
    "operations:withdraw_offer": _operations("operations", "withdraw_offer"),
    "operations:take_offer": _operations("operations", "take_offer"),
    "operations:push_deliveries": _operations(
        "operations", "list_push_deliveries", "send_push_delivery", "get_push_delivery"
    ),
    "operations:move_push_delivery": _operations("operations", "move_push_delivery"),
    "operations:count_queue": _operations("operations", "record_queue"),
    "operations:placement": _operations(
        "operations", "list_placements", "recommend_placement", "get_placement"
    ),
    "operations:request_placement": _operations("operations", "request_placement"),
    "operations:matching": _operations(
        "operations", "list_matchings", "propose_matching", "get_matching"
    ),
    "operations:accept_matching": _operations("operations", "accept_matching"),
    "operations:reports": _operations(
        "operations", "report_summary", "list_reports", "file_report"
    ),
    "operations:contacts": _operations("operations", "list_contacts", "add_contact"),
    "operations:gaps": _operations("operations", "gaps", "contributions"),
    "operations:contributions_csv": _operations("operations", "contributions"),
    "operations:league": _operations("operations", "league"),
    # threads and the inbox
    "conversations:threads": _operations("conversations", "list_threads", "search_messages"),
    "conversations:thread": _operations("conversations", "list_messages", "post_message"),
    "conversations:edit_message": _operations("conversations", "edit_message"),
    "conversations:inbox": _operations("conversations", "list_inbox"),
    "conversations:mark_read": _operations("conversations", "mark_read"),
    "conversations:mark_all_read": _operations("conversations", "mark_read"),
    "conversations:inbox_count": _operations("conversations", "inbox_count"),
    "conversations:preferences": _operations(
        "conversations",
        "get_preferences",
        "put_preferences",
        "get_digest_time_zone",
        "put_digest_time_zone",
    ),
    "conversations:failed_deliveries": _operations(
        "conversations", "list_failed_deliveries", "resend_failed_deliveries"
    ),
    # projects
    "projects:projects": _operations("projects", "list_projects", "create_project"),
    "projects:project": _operations("projects", "get_project"),
    "projects:edit": _operations("projects", "get_project", "edit_project", "set_budget"),
    "projects:move": _operations("projects", "move_project"),
    "projects:add_result": _operations("projects", "add_result"),
    "projects:record_actual": _operations("projects", "record_actual"),
    "projects:record_expenditure": _operations("projects", "record_expenditure"),
    "projects:link": _operations("projects", "link_money"),
    # The 3W's CSV (?format=csv) is the same cells as a file, with HXL hashtags.
    "projects:three_w": _operations("projects", "three_w"),
    "projects:iati": _operations("projects", "iati_activities"),
    # the annual assessment
    "assessment:assessments": _operations("assessment", "list_assessments", "define_assessment"),
    "assessment:assessment": _operations("assessment", "get_assessment"),
    "assessment:review": _operations("assessment", "get_review"),
    "assessment:cross_checker": _operations("assessment", "assign_cross_checker"),
    "assessment:step": _operations("assessment", "take_step"),
    # foresight: the what-if comparisons (the CSV is the figures of GET .../{number})
    "foresight:comparisons": _operations(
        "foresight_whatif", "list_plan_comparisons", "start_plan_comparison"
    ),
    "foresight:comparison": _operations("foresight_whatif", "get_plan_comparison"),
    "foresight:comparison_status": _operations("foresight_whatif", "get_plan_comparison"),
    "foresight:comparison_csv": _operations("foresight_whatif", "get_plan_comparison"),
    "foresight:rolling_plans": _operations(
        "foresight_rolling", "list_rolling_plans", "start_rolling_plan"
    ),
    "foresight:rolling_plan": _operations("foresight_rolling", "get_rolling_plan"),
    "foresight:rolling_plan_status": _operations("foresight_rolling", "get_rolling_plan"),
    "foresight:rolling_plan_csv": _operations("foresight_rolling", "rolling_plan_csv"),
    # the daily situation reports
    "situation:reports": _operations(
        "situation", "list_situation_reports", "get_situation_subscription"
    ),
    "situation:issue": _operations("situation", "issue_situation_report"),
    "situation:subscription": _operations("situation", "set_situation_subscription"),
    "situation:report": _operations("situation", "get_situation_report"),
}

SESSION_ONLY = "signing in and out, passwords and the second factor belong to the browser session"
# Pages that have no operation, and why: print pages, PDFs and file downloads, and the session's
# own pages (the API authenticates with tokens made on the account page or POST /tokens).
EXEMPT: dict[str, str] = {
    "login": SESSION_ONLY,
    "logout": SESSION_ONLY,
    "password_change": SESSION_ONLY,
    "password_change_done": SESSION_ONLY,
    "second_factor_enrol": SESSION_ONLY,
    "second_factor_verify": SESSION_ONLY,
    "set_language": "the page language is a session preference (the API answers in the "
    "language of Accept-Language)",
    "healthz": "a liveness probe for the process supervisor, plain JSON already",
    "healthz_work": "a probe of the task worker for the process supervisor, plain JSON already",
    "programmes:lines_template": "file download: the needs and capacities workbook (XLSX)",
    "pairing:run_xlsx": "file download: a run's plan as a workbook (XLSX)",
    "foresight:run_csv": "file download: a forecast run's quantiles (CSV; the API's run detail "
    "holds them)",
    "foresight:run_xlsx": "file download: a forecast run's quantiles and assumptions (XLSX)",
    "foresight:evaluation_csv": "file download: the evaluation of results (CSV; GET "
    ".../evaluation gives its rows)",
    "pairing:notice_file": "file download: a notice as PDF, CSV or XLSX (GET .../notices/{n} "
    "gives its entries)",
    "operations:workbook": "file download and upload: the operations workbook (XLSX) and its "
    "sheets as CSV; each sheet's rows are the operations above, one by one",
    "dashboard:map": "file download: the overview map's JSON, drawn by the page's script",
    "dashboard:boundaries": "file download: the overview map's boundaries (GeoJSON)",
    "conversations:attachment": "file download: a message's attachment (each message's "
    "`attachments` list it with its address)",
    "situation:pdf": "file download: a situation report as PDF (GET .../situation-reports/{n} "
    "gives its figures)",
}

# Pages whose operation does not exist yet: named here so that the gap is seen, not hidden
# (larger than a small endpoint; see the report of issue 17, item 8).
WITHOUT_OPERATION_YET: dict[str, str] = {}

# Whole URL namespaces that are not the web app's pages.
OTHER_NAMESPACES = {
    "api": "the API itself",
    "admin": "Django's admin, the platform administrators' table editor, not a programme page",
}


def _named(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _named(entry.url_patterns, inner or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}:{entry.name}" if namespace else entry.name


def page_names() -> set[str]:
    """Every named URL of the web app, namespaced, outside the API and the admin."""
    return {
        name
        for name in _named(get_resolver().url_patterns)
        if ":" not in name or name.split(":", 1)[0] not in OTHER_NAMESPACES
    }


def schema_operation_ids() -> set[str]:
    schema = api.get_openapi_schema()
    return {
        operation["operationId"]
        for operations in schema["paths"].values()
        for operation in operations.values()
    }


def test_the_walk_finds_the_pages_of_every_app() -> None:
    names = page_names()
    for known in ("home", "operations:contacts", "pairing:notice", "accounts:members"):
        assert known in names
    assert not any(name.startswith(("admin:", "api:")) for name in names)


def test_every_page_has_an_operation_or_says_why_not() -> None:
    accounted = set(PAGE_OPERATIONS) | set(EXEMPT) | set(WITHOUT_OPERATION_YET)
    unaccounted = sorted(page_names() - accounted)
    assert not unaccounted, f"pages without an API operation or an exemption: {unaccounted}"


def test_each_page_is_listed_once_and_still_exists() -> None:
    lists = (set(PAGE_OPERATIONS), set(EXEMPT), set(WITHOUT_OPERATION_YET))
    assert all(not (a & b) for i, a in enumerate(lists) for b in lists[i + 1 :])
    gone = sorted(set().union(*lists) - page_names())
    assert not gone, f"listed pages that no longer exist: {gone}"


@pytest.mark.parametrize("page", sorted(PAGE_OPERATIONS))
def test_the_mapped_operations_are_in_the_schema(page: str) -> None:
    missing = sorted(set(PAGE_OPERATIONS[page]) - schema_operation_ids())
    assert not missing, f"{page} maps to operations the schema lacks: {missing}"
