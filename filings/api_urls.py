"""The employer API v1, mounted under /api/v1/ (paths as API.md fixes them: no trailing slash)."""

from django.urls import path

from . import api

urlpatterns = [
    path("organization", api.organization_view, name="api-organization"),
    path("workplaces", api.workplace_list_view, name="api-workplaces"),
    path("workplaces/<int:pk>", api.workplace_detail_view, name="api-workplace"),
    path("workers", api.worker_list_view, name="api-workers"),
    path("workers/<int:pk>", api.worker_detail_view, name="api-worker"),
    path("workers/<int:pk>/sheet", api.worker_sheet_view, name="api-worker-sheet"),
    path("applications", api.application_list_view, name="api-applications"),
    path("applications/<int:pk>", api.application_detail_view, name="api-application"),
    path("requirements", api.requirements_view, name="api-requirements"),
    path("confirmations", api.confirmation_list_view, name="api-confirmations"),
    path("confirmations/<int:pk>", api.confirmation_detail_view, name="api-confirmation"),
    path("confirmations/<int:pk>/submit", api.confirmation_submit_view, name="api-confirmation-submit"),
    path("confirmations/<int:pk>/pdf", api.confirmation_pdf_view, name="api-confirmation-pdf"),
]
