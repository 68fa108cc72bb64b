"""Cache headers for the API: per-user answers are private unless a view says otherwise."""

from django.utils.cache import patch_cache_control, patch_vary_headers


class ApiCacheHeadersMiddleware:
    """Marks API GET answers ``private, no-cache`` (revalidate with the ETag) unless the view set
    its own Cache-Control, and varies them on the credentials that chose the user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/v1/") and request.method in ("GET", "HEAD"):
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_cache=True)
            patch_vary_headers(response, ("Authorization", "Cookie"))
        return response
