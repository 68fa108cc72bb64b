"""Storefront pages of the catalog (placeholder until the pages land)."""

from django.shortcuts import render


def home(request):
    return render(request, "home.html")


def category(request, slug):
    return render(request, "home.html")


def search(request):
    return render(request, "home.html")


def product(request, product_id, slug=None):
    return render(request, "home.html")


def review_create(request, product_id):
    return render(request, "home.html")
