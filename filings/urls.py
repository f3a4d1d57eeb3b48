from django.urls import include, path

from . import views

app_name = "filings"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("start/", views.onboarding_view, name="onboarding"),
    path("organization/", views.organization_edit_view, name="organization_edit"),
    path("members/", views.members_view, name="members"),
    path("invitations/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
    path("workplaces/", views.workplace_list_view, name="workplace_list"),
    path("workplaces/new/", views.workplace_form_view, name="workplace_add"),
    path("workplaces/<int:pk>/edit/", views.workplace_form_view, name="workplace_edit"),
    path("workers/", views.worker_list_view, name="worker_list"),
    path("workers/new/", views.worker_add_view, name="worker_add"),
    path("workers/import/", views.roster_import_view, name="roster_import"),
    path("workers/import/progress/<str:progress_id>/", views.roster_progress_view, name="roster_progress"),
    path("workers/import/template.<str:fmt>", views.roster_template_view, name="roster_template"),
    path("workers/import/<str:upload_id>/", views.roster_preview_view, name="roster_preview"),
    path("workers/import/<str:upload_id>/discard/", views.roster_discard_view, name="roster_discard"),
    path("workers/export.<str:fmt>", views.roster_export_view, name="roster_export"),
    path("workers/<int:pk>/", views.worker_detail_view, name="worker_detail"),
    path("workers/<int:pk>/edit/", views.worker_edit_view, name="worker_edit"),
    path("workers/<int:pk>/sheet/", views.worker_sheet_view, name="worker_sheet"),
    path("workers/<int:pk>/applications/new/", views.application_add_view, name="application_add"),
    path("applications/<int:pk>/state/", views.application_state_view, name="application_state"),
    path("confirmations/", views.confirmation_list_view, name="confirmation_list"),
    path("confirmations/new/", views.confirmation_create_view, name="confirmation_create"),
    path("confirmations/<int:pk>/", views.confirmation_detail_view, name="confirmation_detail"),
    path("confirmations/<int:pk>/pdf/", views.confirmation_pdf_view, name="confirmation_pdf"),
    path("confirmations/<int:pk>/submit/", views.confirmation_submit_view, name="confirmation_submit"),
    path("confirmations/<int:pk>/receipt/", views.confirmation_receipt_view, name="confirmation_receipt"),
    path("confirmations/<int:pk>/receipt.pdf", views.confirmation_receipt_pdf_view, name="confirmation_receipt_pdf"),
    path("confirmations/bundles/", views.confirmation_bundle_request_view, name="confirmation_bundle_request"),
    path("confirmations/bundles/<int:pk>/", views.confirmation_bundle_view, name="confirmation_bundle"),
    path(
        "confirmations/bundles/<int:pk>/progress/",
        views.confirmation_bundle_progress_view,
        name="confirmation_bundle_progress",
    ),
    path(
        "confirmations/bundles/<int:pk>/download/",
        views.confirmation_bundle_download_view,
        name="confirmation_bundle_download",
    ),
    # The municipality inbox and the reminders have URL modules of their own.
    path("", include("filings.inbox_urls")),
    path("", include("filings.reminder_urls")),
]
