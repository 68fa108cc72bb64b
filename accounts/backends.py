"""Signing in with an e-mail and password (Django's ModelBackend), loading a signed-in visitor's store with them.

Every storefront page's header asks whether the visitor has a store (``user.seller``); loading it in the same
query as the user saves a query on each signed-in page. Sessions made by ``ModelBackend`` before this backend
existed keep working (both stay in AUTHENTICATION_BACKENDS).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class SignInBackend(ModelBackend):
    def get_user(self, user_id):
        user = get_user_model()._default_manager.select_related("seller").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
