"""The employer's pages, one module per part of the journey."""

from .employer import (
    application_add_view,
    application_state_view,
    confirmation_create_view,
    confirmation_detail_view,
    confirmation_list_view,
    confirmation_submit_view,
    dashboard_view,
    worker_add_view,
    worker_detail_view,
    worker_edit_view,
    worker_list_view,
    worker_sheet_view,
    workplace_form_view,
    workplace_list_view,
)
from .organization import invitation_accept_view, members_view, onboarding_view, organization_edit_view
from .roster import (
    roster_discard_view,
    roster_export_view,
    roster_import_view,
    roster_preview_view,
    roster_progress_view,
    roster_template_view,
)

__all__ = [
    "application_add_view",
    "application_state_view",
    "confirmation_create_view",
    "confirmation_detail_view",
    "confirmation_list_view",
    "confirmation_submit_view",
    "dashboard_view",
    "invitation_accept_view",
    "members_view",
    "onboarding_view",
    "organization_edit_view",
    "roster_discard_view",
    "roster_export_view",
    "roster_import_view",
    "roster_preview_view",
    "roster_progress_view",
    "roster_template_view",
    "worker_add_view",
    "worker_detail_view",
    "worker_edit_view",
    "worker_list_view",
    "worker_sheet_view",
    "workplace_form_view",
    "workplace_list_view",
]
