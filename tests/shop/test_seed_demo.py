"""seed_demo creates the demo accounts once, however often it runs."""

from io import StringIO

from django.core.management import call_command
import pytest

from accounts.models import Address, User
from sellers.models import Seller

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", "--quiet", stdout=out)
    return out.getvalue()


def test_seed_demo_creates_the_demo_buyer_and_seller_and_prints_credentials():
    output = seed()
    assert "buyer@example.com / demo-buyer-pass" in output
    assert "seller@example.com / demo-seller-pass" in output
    buyer = User.objects.get(email="buyer@example.com")
    assert buyer.check_password("demo-buyer-pass")
    assert Address.objects.filter(user=buyer, is_default=True).exists()
    assert Seller.objects.get(user__email="seller@example.com").store_name == "Sam's Goods"


def test_seed_demo_is_idempotent():
    seed()
    assert "Demo data present" in seed()
    assert User.objects.count() == 2
    assert Seller.objects.count() == 1
    assert Address.objects.count() == 1


def test_seed_demo_completes_a_half_seeded_database():
    User.objects.create_user(email="seller@example.com", password="demo-seller-pass", name="Sam Seller")
    seed()
    assert Seller.objects.filter(user__email="seller@example.com").exists()
