"""Mounted at /feeds/ (before the web pages)."""

from django.urls import path

from pactline.transfer import views

urlpatterns = [
    path("<str:secret>.ics", views.feed, name="calendar-feed"),
]
