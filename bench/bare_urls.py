"""The bare Django view `make bench` measures: the product list's bytes (BENCH_BARE_FILE, written by bench/run.sh
from the real answer) returned as they are, with no database, cache or middleware."""

import os
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.urls import path

BODY = Path(os.environ["BENCH_BARE_FILE"]).read_bytes()


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BODY, content_type="application/json")


urlpatterns = [path("bare", bare)]
