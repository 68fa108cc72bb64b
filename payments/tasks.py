"""Celery tasks of the payments app: the test gateway delivering its own webhook."""

from __future__ import annotations

import urllib.error
import urllib.request

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
import structlog

from payments import selectors, services
from payments.errors import InvalidWebhook
from payments.gateways import test as test_gateway

logger = structlog.get_logger(__name__)


@shared_task(bind=True, max_retries=5, default_retry_delay=5)
def deliver_test_webhook(self, *, gateway_reference: str, reference: str = "", event_type: str = "payment.succeeded"):
    """Sign the event settling a test-gateway charge and deliver it: over HTTP to
    PAYMENTS_TEST_WEBHOOK_BASE_URL, or in-process when that is empty.

    Safe to run twice: an event the store has already accepted is not sent again, and every delivery
    carries the same event id, which the store applies once.
    """
    event = test_gateway.build_event(gateway_reference=gateway_reference, reference=reference, event_type=event_type)
    if selectors.webhook_event_received(gateway="test", event_id=event["id"]):
        return "already-delivered"
    body, headers = test_gateway.signed_request(event)
    base_url = settings.PAYMENTS_TEST_WEBHOOK_BASE_URL
    if not base_url:
        try:
            services.handle_webhook(gateway="test", body=body, headers=headers)
        except InvalidWebhook as error:  # only a concurrent run signing the same bytes in the same second
            logger.warning("payments.test_webhook_refused", event_id=event["id"], detail=error.message)
            return "refused"
        return "delivered"
    if not base_url.startswith(("http://", "https://")):
        raise ImproperlyConfigured("PAYMENTS_TEST_WEBHOOK_BASE_URL must be an http(s) URL.")
    url = base_url.rstrip("/") + test_gateway.WEBHOOK_PATH
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (checked above)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (an http(s) URL from settings, checked above)  # nosec B310
            response.read()
    except urllib.error.HTTPError as error:
        if error.code < 500:  # the store refused this delivery; sending it again will not help
            logger.warning("payments.test_webhook_refused", event_id=event["id"], status=error.code)
            return "refused"
        raise self.retry(exc=error) from None
    except (urllib.error.URLError, TimeoutError) as error:
        raise self.retry(exc=error) from None
    return "delivered"
