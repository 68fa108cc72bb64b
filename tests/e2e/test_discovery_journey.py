"""Discovery, in Chromium, from real purchase histories: what a shopper bought decides what they are shown.

- A shopper who bought a tent, like other customers who bought tents together with sleeping bags, sees the
  sleeping bag under "Customers who bought this also bought" on the tent's page (an htmx panel) and in a
  "Because you bought ..." row of their landing page, where the tent itself (not consumable) is never
  recommended again.
- A shopper who bought a kettle (bought by others with a mug) gets another landing page: the mug, not the
  sleeping bag.
- Searching "jacket" from the header box puts the brand a shopper buys from first among equally relevant
  jackets, and another shopper's brand for them; a stronger text match is never overtaken by a liked brand.

Every history is made of real paid orders: the cart, ``orders.services.place_order`` and ``pay_order`` (the
test gateway's card), whose "order.paid" event reaches ``recommendations.learn_co_purchases`` (and so
``services.learn_from_order``) through the outbox, as in production. Shoppers sign in through the sign-in page.
"""

from __future__ import annotations

from decimal import Decimal
import re
from types import SimpleNamespace

from playwright.sync_api import Browser, Page, expect
import pytest

from catalog import services as catalog_services
from orders import services as order_services
from orders.models import Order
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.orders.conftest import ADDRESS, fill_cart
from tests.sellers.factories import SellerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CARD = "tok_visa"  # the test gateway's card that always pays
STOCK = 50  # units of each product: enough for every order (and the fair-hold share of stock)
CO_BUYERS = 3  # other customers whose orders pair each anchor product with its companion

TENT = "Ridgeline Two-Person Tent"
SLEEPING_BAG = "Down Mummy Sleeping Bag"
KETTLE = "Copper Stovetop Kettle"
MUG = "Stoneware Coffee Mug"
SOFTSHELL = "Softshell Hiking Top"  # an unrelated product nobody buys with a tent or a kettle

ALSO_BOUGHT = "Customers who bought this also bought"

# Search: two equally relevant rain jackets of two brands, and a weaker match naming "jacket" only in its text.
NORTHPEAK, ALPINA = "Northpeak", "Alpina"
RAIN_JACKET = "Rain Jacket"
RAIN_JACKET_TEXT = "Waterproof shell with taped seams and a packable hood."
FLEECE = "Northpeak Grid Fleece"
FLEECE_TEXT = "A warm midlayer to wear under your rain jacket."


# --- Data, through the real services ---------------------------------------------------------------


def product(seller, name: str, category, *, price: str, brand: str = "", description: str = ""):
    return catalog_services.create_product(
        seller=seller,
        name=name,
        category_id=category.pk,
        brand=brand,
        description=description,
        price=Decimal(price),
        quantity=STOCK,
    )


def buy(user, *products) -> Order:
    """One unit of each product, paid: the cart, checkout and payment use cases, as a shopper's would be."""
    fill_cart(user, *((p.variants.get(), 1) for p in products))
    order = order_services.place_order(user=user, shipping_method="standard", shipping_address=ADDRESS)
    order_services.pay_order(user=user, order_id=order.id, payment_token=CARD)
    order.refresh_from_db()
    assert order.status == "paid"
    return order


def camping_and_kitchen_store() -> SimpleNamespace:
    """Tents, sleeping bags, kitchen and jackets; customers who bought a tent with a sleeping bag, and a kettle
    with a mug (each pair CO_BUYERS times)."""
    outfitter = SellerFactory(store_name="Basecamp Outfitters")
    kitchenware = SellerFactory(store_name="Hearth & Home")
    tents, bags, kitchen, jackets = (
        catalog_services.create_category(name=name) for name in ("Tents", "Sleeping bags", "Kitchen", "Jackets")
    )
    store = SimpleNamespace(
        tent=product(outfitter, TENT, tents, price="249.00"),
        sleeping_bag=product(outfitter, SLEEPING_BAG, bags, price="129.00"),
        kettle=product(kitchenware, KETTLE, kitchen, price="45.00"),
        mug=product(kitchenware, MUG, kitchen, price="12.00"),
        softshell=product(outfitter, SOFTSHELL, jackets, price="89.00"),
    )
    for _ in range(CO_BUYERS):
        buy(UserFactory(), store.tent, store.sleeping_bag)
        buy(UserFactory(), store.kettle, store.mug)
    buy(UserFactory(), store.softshell)  # bought alone: nothing to pair it with
    return store


def jacket_store() -> SimpleNamespace:
    """Two "Rain Jacket"s alike but for their brand (Northpeak's listed first, so first for everyone else),
    a Northpeak fleece that says "jacket" only in its description, and a cap of each brand to buy."""
    seller = SellerFactory(store_name="Trail Supply")
    jackets = catalog_services.create_category(name="Jackets")
    fleeces = catalog_services.create_category(name="Fleeces")
    hats = catalog_services.create_category(name="Hats")
    rain_jacket = {"price": "150.00", "description": RAIN_JACKET_TEXT}
    return SimpleNamespace(
        northpeak_jacket=product(seller, RAIN_JACKET, jackets, brand=NORTHPEAK, **rain_jacket),
        alpina_jacket=product(seller, RAIN_JACKET, jackets, brand=ALPINA, **rain_jacket),
        fleece=product(seller, FLEECE, fleeces, price="70.00", brand=NORTHPEAK, description=FLEECE_TEXT),
        northpeak_cap=product(seller, "Trail Cap", hats, price="25.00", brand=NORTHPEAK),
        alpina_cap=product(seller, "Summit Beanie", hats, price="25.00", brand=ALPINA),
    )


# --- The browser ---------------------------------------------------------------------------------------


def sign_in(page: Page, base: str, user) -> None:
    """Through the sign-in page, as the shopper would."""
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("header-user-name")).to_be_visible()


def row(page: Page, title: str):
    """A row of recommended cards, by its heading."""
    return page.get_by_role("region", name=title, exact=True)


def card_names(scope) -> list[str]:
    return [name.strip() for name in scope.locator("article.product-card .product-card-name").all_inner_texts()]


def recommended_names(page: Page) -> set[str]:
    """Every product the landing page recommends (its recommendation rows; not the public "New arrivals")."""
    return set(card_names(page.locator("section.recommendation-row")))


def open_landing(page: Page, base: str, bought_name: str) -> set[str]:
    """The landing page, once its "Because you bought ..." row is there; the recommended product names."""
    page.goto(base + "/")
    expect(row(page, f"Because you bought {bought_name}")).to_be_visible()
    return recommended_names(page)


def search_from_header(page: Page, base: str, query: str) -> None:
    """Type in the header search box and press Enter (nothing highlighted: a plain search of the words)."""
    page.goto(base + "/")
    box = page.get_by_role("banner").get_by_role("combobox", name="Search products")
    box.press_sequentially(query, delay=30)
    box.press("Enter")
    expect(page).to_have_url(re.compile(rf"/search\?q={query}$"))


def result_cards(page: Page):
    return page.locator(".listing-results article.product-card")


# --- The journeys --------------------------------------------------------------------------------------


def test_a_tent_buyer_sees_sleeping_bags_on_the_tent_page_and_on_their_landing_page(page: Page, base: str):
    store = camping_and_kitchen_store()
    shopper = UserFactory(name="Tess Camper")
    buy(shopper, store.tent)
    sign_in(page, base, shopper)

    # The tent's page: the panel htmx loads after the page names the sleeping bag, and only products bought
    # with the tent (not the kitchen's, not the tent itself).
    page.goto(f"{base}/p/{store.tent.pk}-{store.tent.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(TENT)
    also_bought = row(page, ALSO_BOUGHT)
    expect(also_bought.get_by_role("link", name=SLEEPING_BAG)).to_be_visible()
    assert card_names(also_bought) == [SLEEPING_BAG]

    # The landing page: "Because you bought <tent>" offers the sleeping bag. The tent, bought (a tent is not
    # consumable) and just viewed, is recommended nowhere, not even under "Recently viewed".
    recommended = open_landing(page, base, TENT)
    expect(row(page, f"Because you bought {TENT}").get_by_role("link", name=SLEEPING_BAG)).to_be_visible()
    assert SLEEPING_BAG in recommended
    assert TENT not in recommended
    assert not recommended & {KETTLE, MUG, SOFTSHELL}, recommended
    assert TENT not in card_names(page.locator("main")), "the bought tent is not offered in New arrivals either"


def test_shoppers_with_different_histories_get_different_landing_pages(browser: Browser, base: str):
    store = camping_and_kitchen_store()
    camper, cook = UserFactory(name="Tess Camper"), UserFactory(name="Kit Cook")
    buy(camper, store.tent)
    buy(cook, store.kettle)

    landings = {}
    for shopper, bought, not_bought in ((camper, TENT, KETTLE), (cook, KETTLE, TENT)):
        context = browser.new_context()  # a session of their own
        try:
            page = context.new_page()
            sign_in(page, base, shopper)
            landings[bought] = open_landing(page, base, bought)
            expect(row(page, f"Because you bought {not_bought}")).to_have_count(0)
        finally:
            context.close()

    camper_sees, cook_sees = landings[TENT], landings[KETTLE]
    assert SLEEPING_BAG in camper_sees, camper_sees
    assert MUG not in camper_sees, camper_sees
    assert MUG in cook_sees, cook_sees
    assert SLEEPING_BAG not in cook_sees, cook_sees
    assert camper_sees != cook_sees


def test_equally_relevant_jackets_come_in_the_order_of_the_brand_each_shopper_buys(browser: Browser, base: str):
    store = jacket_store()
    northpeak_fan, alpina_fan = UserFactory(name="Nora Peak"), UserFactory(name="Al Pine")
    buy(northpeak_fan, store.northpeak_cap)
    buy(alpina_fan, store.alpina_cap)

    # Relevance first: the two rain jackets tie (their text is the same but for the brand), the fleece, with
    # "jacket" only in its description, comes after both even for a shopper who likes its brand.
    expected = {
        northpeak_fan: ([RAIN_JACKET, RAIN_JACKET, FLEECE], [NORTHPEAK, ALPINA, NORTHPEAK]),
        alpina_fan: ([RAIN_JACKET, RAIN_JACKET, FLEECE], [ALPINA, NORTHPEAK, NORTHPEAK]),
    }
    for shopper, (names, brands) in expected.items():
        context = browser.new_context()  # a session of their own
        try:
            page = context.new_page()
            sign_in(page, base, shopper)
            search_from_header(page, base, "jacket")
            cards = result_cards(page)
            expect(cards.locator(".product-card-name")).to_have_text(names)
            expect(cards.locator(".product-card-brand")).to_have_text(brands)
            first = store.northpeak_jacket if brands[0] == NORTHPEAK else store.alpina_jacket
            expect(cards.first.get_by_role("link")).to_have_attribute("href", re.compile(rf"/p/{first.pk}-"))
        finally:
            context.close()
