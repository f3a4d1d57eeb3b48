"""The employer's reminder pages (included in the ``filings`` namespace)."""

from django.urls import path

from .views import reminders as views

urlpatterns = [
    path("reminders/", views.reminder_list_view, name="reminder_list"),
    path("reminders/<int:pk>/", views.reminder_detail_view, name="reminder_detail"),
    path("reminders/optional-email/", views.reminder_optional_email_view, name="reminder_optional_email"),
    path("reminders/due/off/", views.reminder_due_off_view, name="reminder_due_off"),
    path("reminders/due/on/", views.reminder_due_on_view, name="reminder_due_on"),
]
