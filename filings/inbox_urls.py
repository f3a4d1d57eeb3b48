from django.urls import path

from .views import inbox

urlpatterns: list = [
    path("municipality/inbox/", inbox.municipality_inbox_view, name="municipality_inbox"),
    path(
        "municipality/inbox/export.<str:fmt>", inbox.municipality_inbox_export_view, name="municipality_inbox_export"
    ),
    path(
        "municipality/inbox/preference/",
        inbox.municipality_inbox_preference_view,
        name="municipality_inbox_preference",
    ),
    path("municipality/inbox/<int:pk>/", inbox.municipality_inbox_detail_view, name="municipality_inbox_detail"),
    path("municipality/inbox/<int:pk>/pdf/", inbox.municipality_inbox_pdf_view, name="municipality_inbox_pdf"),
    path("municipality/inbox/<int:pk>/proof/", inbox.municipality_inbox_proof_view, name="municipality_inbox_proof"),
    path(
        "municipality/inbox/<int:pk>/acknowledge/",
        inbox.municipality_inbox_acknowledge_view,
        name="municipality_inbox_acknowledge",
    ),
]
