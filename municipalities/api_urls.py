from django.urls import path

from . import api

urlpatterns = [
    path("municipalities/lookup", api.municipality_lookup_view, name="municipality-lookup"),
]
