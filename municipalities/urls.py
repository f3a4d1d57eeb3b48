from django.urls import path

from . import views

app_name = "municipalities"

urlpatterns = [
    path("", views.directory_view, name="directory"),
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("profile/", views.profile_edit_view, name="profile_edit"),
    path("staff/invite/", views.staff_invite_view, name="staff_invite"),
    path("staff/<int:pk>/deactivate/", views.staff_deactivate_view, name="staff_deactivate"),
    path("invitations/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
    path("<str:code>/", views.detail_view, name="detail"),
    path("<str:code>/profile/", views.profile_edit_for_view, name="profile_edit_for"),
]
