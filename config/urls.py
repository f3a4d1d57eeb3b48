from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts.views import confirm_email_code_view, language_view

from . import views

admin.site.site_header = _("製造業特定技能外国人材受入れ協議・連絡会 事務局")
admin.site.site_title = _("協議・連絡会 事務局")
admin.site.index_title = _("事務局の管理画面")

urlpatterns = [
    path("", views.home_view, name="home"),
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("i18n/setlang/", language_view, name="set_language"),
    path("admin/", admin.site.urls),
    path("accounts/confirm-email/", confirm_email_code_view, name="account_email_verification_sent"),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("accounts.urls")),
    path("municipalities/", include("municipalities.urls")),
    path("employer/", include("filings.urls")),
    path("council/", include("council.urls")),
    path("membership/", include("membership.urls")),
    path("api/v1/", include("config.api_urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
