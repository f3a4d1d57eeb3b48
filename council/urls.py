from django.urls import path

from . import guest_views, views

app_name = "council"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("meetings/", views.meeting_list_view, name="meetings"),
    path("meetings/<int:pk>/", views.meeting_detail_view, name="meeting_detail"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes_view, name="meeting_minutes"),
    path("materials/<int:pk>/", views.material_download_view, name="material_download"),
    path("mine/", views.my_meetings_view, name="my_meetings"),
    path("mine/invitations/<int:pk>/", views.invitation_view, name="invitation"),
    path("guest/<str:token>/", guest_views.guest_reply_view, name="guest_reply"),
    path("manage/meetings/<int:pk>/", views.meeting_manage_view, name="meeting_manage"),
    path("requests/", views.request_list_view, name="requests"),
    path("requests/<int:pk>/", views.request_detail_view, name="request_detail"),
    path("violations/", views.violation_list_view, name="violations"),
    path("violations/<int:pk>/", views.violation_detail_view, name="violation_detail"),
    path("statistics/", views.statistics_view, name="statistics"),
    path("statistics.csv", views.statistics_csv_view, name="statistics_csv"),
    path("statistics/public/", views.public_statistics_view, name="public_statistics"),
    path("statistics/public.csv", views.public_statistics_csv_view, name="public_statistics_csv"),
]
