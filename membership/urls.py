from django.urls import path

from . import views

app_name = "membership"

urlpatterns = [
    path("", views.directory_view, name="directory"),
    path("members/<int:pk>/", views.member_detail_view, name="member_detail"),
    path("mine/", views.mine_view, name="mine"),
    path("join/", views.join_request_create_view, name="join_request_create"),
    path("join/<int:pk>/", views.join_request_detail_view, name="join_request_detail"),
    path("join/<int:pk>/edit/", views.join_request_edit_view, name="join_request_edit"),
    path("attachments/<int:pk>/", views.attachment_download_view, name="attachment_download"),
    path("mine/<int:pk>/change/", views.member_change_view, name="member_change"),
    path("mine/<int:pk>/withdraw/", views.member_withdraw_view, name="member_withdraw"),
    path("export.csv", views.export_csv_view, name="export_csv"),
    path("export.xlsx", views.export_xlsx_view, name="export_xlsx"),
]
