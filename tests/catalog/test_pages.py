"""Storefront pages of the catalog: home, category listings, search results and the product page."""

from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
import pytest

from catalog import services
from catalog.models import Product, ProductImage, Review
from tests.accounts.factories import UserFactory
from tests.catalog.factories import verified_buyer
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db

# Pinned query budgets; each page's test also checks that the count does not grow with the data shown.
# The public plan computed: each ranked row, then its stock; new arrivals' ids, their stock, their cards' rows and
# pictures (none kept yet).
HOME_QUERIES = 11
LISTING_QUERIES = 8
PRODUCT_QUERIES = 12  # a signed-in buyer, cold cache: session, user, the header's seller check and cart badge included
# (tests/catalog/test_page_cache.py pins the warm page)


# --- Test data, built through the catalog's own services ------------------------------------------------


def make_category(name, parent=None):
    return services.create_category(name=name, parent_id=parent.pk if parent else None)


def make_product(seller, name, *, category=None, price="20.00", quantity=3, variants=None, **fields):
    """A listed product; without ``variants`` it has one default variant holding ``quantity`` units."""
    return services.create_product(
        seller=seller,
        name=name,
        price=None if variants else Decimal(price),
        quantity=None if variants else quantity,
        category_id=category.pk if category else None,
        variants=variants,
        **fields,
    )


def add_fake_image(product, position=0):
    """An image row without a file: pages only print its URL."""
    return ProductImage.objects.create(
        product=product,
        image=f"products/{product.pk}/{position}.jpg",
        thumbnail=f"products/{product.pk}/{position}-400.webp",
        width=800,
        height=800,
        alt_text=f"{product.name} from the side",
        position=position,
    )


def shoe_variants():
    """Sizes S/M/L in red and blue: S-blue is sold out, and there is no M-blue."""
    return [
        {"sku": "SHOE-S-RED", "options": {"size": "S", "color": "Red"}, "price": Decimal("49.00"), "quantity": 4},
        {"sku": "SHOE-S-BLUE", "options": {"size": "S", "color": "Blue"}, "price": Decimal("49.00"), "quantity": 0},
        {"sku": "SHOE-M-RED", "options": {"size": "M", "color": "Red"}, "price": Decimal("52.00"), "quantity": 2},
        {"sku": "SHOE-L-BLUE", "options": {"size": "L", "color": "Blue"}, "price": Decimal("55.00"), "quantity": 9},
    ]


@pytest.fixture
def seller():
    return SellerFactory(store_name="Trail Co")


@pytest.fixture
def tree():
    """Clothing > Shoes > Running, plus Books."""
    clothing = make_category("Clothing")
    shoes = make_category("Shoes", clothing)
    running = make_category("Running", shoes)
    books = make_category("Books")
    return {"clothing": clothing, "shoes": shoes, "running": running, "books": books}


def page_text(response) -> str:
    return response.content.decode()


def queries_for(client, url) -> int:
    """Queries to render ``url`` from a cold cache (the category tree is read again)."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# --- Home ---------------------------------------------------------------------------------------------


def test_home_shows_top_categories_new_arrivals_and_best_rated(client, seller, tree):
    newest = make_product(seller, "Brand New Kettle", category=tree["books"])
    loved = make_product(seller, "Much Loved Lamp", category=tree["books"])
    services.write_review(product_id=loved.pk, user=verified_buyer(loved), rating=5, title="Lovely")

    html = page_text(client.get("/"))

    assert 'href="/c/clothing/"' in html
    assert 'href="/c/books/"' in html
    assert 'href="/c/shoes/"' in html  # a sub-category under its tile
    new_section = html.split('id="new-heading"')[1].split("</section>")[0]
    rated_section = html.split('id="rated-heading"')[1].split("</section>")[0]
    assert "Brand New Kettle" in new_section
    assert f"/p/{newest.pk}-brand-new-kettle/" in new_section
    assert "Much Loved Lamp" in rated_section
    assert "Brand New Kettle" not in rated_section


def test_home_leaves_out_archived_and_draft_products(client, seller):
    make_product(seller, "Still Here")
    gone = make_product(seller, "Gone Away")
    services.archive_product(product_id=gone.pk, actor=seller.user)
    make_product(seller, "Not Yet", status=Product.Status.DRAFT)

    html = page_text(client.get("/"))

    assert "Still Here" in html
    assert "Gone Away" not in html
    assert "Not Yet" not in html


def test_home_query_count_does_not_grow_with_products(client, seller, tree, django_assert_max_num_queries):
    reviewer = UserFactory()
    for n in range(2):
        product = make_product(seller, f"Early {n}", category=tree["running"])
        add_fake_image(product)
        services.write_review(product_id=product.pk, user=verified_buyer(product, reviewer), rating=4, title="Fine")
    make_product(seller, "Unreviewed", category=tree["running"])  # new arrivals show what the other rows do not
    few = queries_for(client, "/")
    for n in range(10):
        product = make_product(seller, f"Later {n}", category=tree["books"])
        add_fake_image(product)
        services.write_review(product_id=product.pk, user=verified_buyer(product, reviewer), rating=5, title="Great")
    with django_assert_max_num_queries(HOME_QUERIES):
        many = queries_for(client, "/")
    assert many == few


# --- Category pages -----------------------------------------------------------------------------------


def test_category_page_lists_products_of_its_sub_categories(client, seller, tree):
    make_product(seller, "Road Runner Shoe", category=tree["running"])
    make_product(seller, "Plain Shoe", category=tree["shoes"])
    make_product(seller, "Poetry Book", category=tree["books"])

    response = client.get("/c/clothing/")

    html = page_text(response)
    assert response.status_code == 200
    assert "<h1>Clothing</h1>" in html
    assert "Road Runner Shoe" in html
    assert "Plain Shoe" in html
    assert "Poetry Book" not in html
    assert "2 products" in html


def test_category_page_has_a_breadcrumb_and_sub_category_links(client, seller, tree):
    make_product(seller, "Road Runner Shoe", category=tree["running"])

    html = page_text(client.get("/c/shoes/"))

    breadcrumb = html.split('aria-label="Breadcrumb"')[1].split("</nav>")[0]
    assert 'href="/c/clothing/"' in breadcrumb
    assert 'aria-current="page">Shoes<' in breadcrumb
    assert 'href="/c/running/"' in html.split('aria-label="Sub-categories of Shoes"')[1]


def test_a_category_id_redirects_permanently_to_its_slug(client, tree):
    response = client.get(f"/c/{tree['shoes'].pk}/?sort=price")

    assert response.status_code == 301
    assert response["Location"] == "/c/shoes/?sort=price"


def test_unknown_category_is_the_404_page(client):
    response = client.get("/c/no-such-thing/")
    assert response.status_code == 404
    assert "There is nothing at this address." in page_text(response)


def test_archived_products_are_not_listed(client, seller, tree):
    make_product(seller, "Kept Shoe", category=tree["shoes"])
    gone = make_product(seller, "Retired Shoe", category=tree["shoes"])
    services.archive_product(product_id=gone.pk, actor=seller.user)

    html = page_text(client.get("/c/shoes/"))

    assert "Kept Shoe" in html
    assert "Retired Shoe" not in html


def test_brand_filter_narrows_the_listing_and_shows_counts(client, seller, tree):
    make_product(seller, "Acme Sprinter", category=tree["shoes"], brand="Acme")
    make_product(seller, "Acme Jogger", category=tree["shoes"], brand="Acme")
    make_product(seller, "Zoom Flyer", category=tree["shoes"], brand="Zoom")

    everything = page_text(client.get("/c/shoes/"))
    narrowed = page_text(client.get("/c/shoes/?brand=Zoom"))

    assert 'value="Acme"' in everything
    assert "(2)" in everything.split('value="Acme"')[1].split("</label>")[0]
    assert "Zoom Flyer" in narrowed
    assert "Acme Sprinter" not in narrowed
    assert "Acme Jogger" not in narrowed
    assert "Brand: Zoom" in narrowed  # the active-filter chip


def test_price_band_rating_and_stock_filters_narrow_the_listing(client, seller, tree):
    make_product(seller, "Cheap Sock", category=tree["shoes"], price="9.00")
    make_product(seller, "Dear Boot", category=tree["shoes"], price="180.00")
    sold_out = make_product(seller, "Sold Out Sandal", category=tree["shoes"], price="30.00", quantity=0)
    services.write_review(product_id=sold_out.pk, user=verified_buyer(sold_out), rating=5, title="Wish I had two")

    under_25 = page_text(client.get("/c/shoes/?price=-24.99"))
    in_stock = page_text(client.get("/c/shoes/?in_stock=1"))
    top_rated = page_text(client.get("/c/shoes/?rating=4"))

    assert "Cheap Sock" in under_25
    assert "Dear Boot" not in under_25
    assert "Sold Out Sandal" not in in_stock
    assert "Cheap Sock" in in_stock
    assert "Dear Boot" in in_stock
    assert "Sold Out Sandal" in top_rated
    assert "Cheap Sock" not in top_rated


def test_size_and_colour_filters_match_any_variant(client, seller, tree):
    make_product(seller, "Trail Shoe", category=tree["running"], variants=shoe_variants())
    make_product(seller, "Plain Sock", category=tree["running"])

    html = page_text(client.get("/c/running/?size=L&color=Blue"))

    assert "Trail Shoe" in html
    assert "Plain Sock" not in html


def test_an_out_of_stock_product_card_says_so(client, seller, tree):
    make_product(seller, "Empty Shelf", category=tree["books"], quantity=0)

    card = page_text(client.get("/c/books/")).split('<article class="product-card')[1]

    assert "Out of stock" in card


def test_sorting_by_price_orders_the_grid(client, seller, tree):
    make_product(seller, "Middle", category=tree["books"], price="20.00")
    make_product(seller, "Priciest", category=tree["books"], price="90.00")
    make_product(seller, "Cheapest", category=tree["books"], price="5.00")

    low_first = page_text(client.get("/c/books/?sort=price"))
    high_first = page_text(client.get("/c/books/?sort=-price"))

    assert low_first.index("Cheapest") < low_first.index("Middle") < low_first.index("Priciest")
    assert high_first.index("Priciest") < high_first.index("Middle") < high_first.index("Cheapest")
    assert '<option value="price" selected>Price: low to high</option>' in low_first


def test_pagination_links_keep_the_filters(client, seller, tree):
    for n in range(26):
        make_product(seller, f"Novel {n:02d}", category=tree["books"], brand="Inkwell")
    make_product(seller, "Other Brand Book", category=tree["books"], brand="Quill")

    first = client.get("/c/books/?brand=Inkwell&sort=price")
    second = client.get("/c/books/?brand=Inkwell&sort=price&page=2")

    first_html, second_html = page_text(first), page_text(second)
    assert "1\u201324 of 26 products" in first_html
    assert 'href="/c/books/?brand=Inkwell&amp;sort=price&amp;page=2" rel="next"' in first_html
    assert "25\u201326 of 26 products" in second_html
    assert 'href="/c/books/?brand=Inkwell&amp;sort=price" rel="prev"' in second_html
    assert second_html.count('<article class="product-card') == 2
    assert "Other Brand Book" not in first_html + second_html


def test_a_page_past_the_end_goes_to_the_last_page(client, seller, tree):
    make_product(seller, "Lonely Book", category=tree["books"])
    response = client.get("/c/books/?sort=price&page=3")
    assert response.status_code == 302
    assert response["Location"] == "/c/books/?sort=price"


def test_invalid_filter_values_are_ignored(client, seller, tree):
    make_product(seller, "Sturdy Book", category=tree["books"])

    response = client.get("/c/books/?price=cheap&rating=eleven&sort=sideways&page=zero")

    assert response.status_code == 200
    assert "Sturdy Book" in page_text(response)


def test_category_query_count_does_not_grow_with_products(client, seller, tree, django_assert_max_num_queries):
    for n in range(2):
        add_fake_image(make_product(seller, f"First {n}", category=tree["running"], brand=f"B{n}"))
    few = queries_for(client, "/c/clothing/?sort=price")
    for n in range(20):
        product = make_product(seller, f"More {n}", category=tree["shoes"], brand=f"C{n}", variants=None)
        add_fake_image(product)
    make_product(seller, "Variant Shoe", category=tree["running"], variants=shoe_variants())
    with django_assert_max_num_queries(LISTING_QUERIES):
        many = queries_for(client, "/c/clothing/?sort=price")
    assert many == few


# --- Search -------------------------------------------------------------------------------------------


def test_search_finds_products_by_name(client, seller, tree):
    make_product(seller, "Trail Runner", category=tree["running"], brand="Acme")
    make_product(seller, "Poetry Book", category=tree["books"])

    html = page_text(client.get("/search?q=trail"))

    assert "Results for “trail”" in html
    assert "Trail Runner" in html
    assert "Poetry Book" not in html
    assert 'value="trail"' in html  # the header box keeps the query


def test_search_without_a_query_asks_what_to_look_for(client, tree):
    html = page_text(client.get("/search"))

    assert "What are you looking for?" in html
    assert 'href="/c/clothing/"' in html


def test_search_without_results_suggests_what_to_do(client, seller, tree):
    make_product(seller, "Trail Runner", category=tree["running"])

    html = page_text(client.get("/search?q=zzzqqq"))

    assert "No products match “zzzqqq”" in html
    assert "Check the spelling" in html
    assert 'href="/c/books/"' in html


def test_search_with_a_typo_shows_the_corrected_results(client, seller, tree):
    make_product(seller, "iPhone Case", category=tree["books"], brand="Apple")

    html = page_text(client.get("/search?q=iphnoe"))

    assert "iPhone Case" in html
    assert "Showing results for <strong>iphone</strong>" in html


def test_search_can_be_narrowed_to_a_category_from_its_facet(client, seller, tree):
    make_product(seller, "Red Runner", category=tree["running"])
    make_product(seller, "Red Book", category=tree["books"])

    everything = page_text(client.get("/search?q=red"))
    narrowed = page_text(client.get("/search?q=red&category=books"))

    assert 'href="/search?q=red&amp;category=books"' in everything
    assert "Red Book" in narrowed
    assert "Red Runner" not in narrowed
    assert "In Books" in narrowed  # the chip that removes it


def test_search_query_count_does_not_grow_with_results(client, seller, tree, django_assert_max_num_queries):
    for n in range(3):  # enough results that no spelling correction is tried
        add_fake_image(make_product(seller, f"Lamp {n}", category=tree["books"], brand=f"B{n}"))
    few = queries_for(client, "/search?q=lamp")
    for n in range(20):
        add_fake_image(make_product(seller, f"Lamp extra {n}", category=tree["running"], brand=f"C{n}"))
    with django_assert_max_num_queries(LISTING_QUERIES):
        many = queries_for(client, "/search?q=lamp")
    assert many == few


# --- Product page -------------------------------------------------------------------------------------


def test_product_page_shows_the_product(client, seller, tree):
    product = make_product(
        seller,
        "Trail Shoe",
        category=tree["running"],
        brand="Acme",
        description="Grippy soles.",
        attributes={"weight_grams": 280, "waterproof": True},
        variants=shoe_variants(),
    )
    add_fake_image(product)

    response = client.get(f"/p/{product.pk}-trail-shoe/")

    html = page_text(response)
    assert response.status_code == 200
    assert '<h1 id="product-name">Trail Shoe</h1>' in html
    assert f'Sold by <a href="/s/{seller.slug}/"><strong>Trail Co</strong></a>' in html
    assert "From </span>" in html
    assert "$49.00" in html
    assert "Grippy soles." in html
    assert '<th scope="row">Weight grams</th><td>280</td>' in html
    assert '<th scope="row">Waterproof</th><td>Yes</td>' in html
    assert 'alt="Trail Shoe from the side"' in html
    assert 'href="/c/running/"' in html.split('aria-label="Breadcrumb"')[1].split("</nav>")[0]


def test_product_page_lists_variants_with_their_availability_for_browsers_without_javascript(client, seller):
    product = make_product(seller, "Trail Shoe", variants=shoe_variants())

    html = page_text(client.get(f"/p/{product.pk}-trail-shoe/"))

    table = html.split("data-variant-list")[1].split("</table>")[0]
    rows = table.split("<tr>")[2:]
    assert len(rows) == 4
    assert "S / Red" in rows[0]
    assert "In stock" in rows[0]
    assert "S / Blue" in rows[1]
    assert "Out of stock" in rows[1]
    assert '"sku": "SHOE-M-RED"' in html
    assert '"available": 2' in html
    assert html.count('name="size"') == 3
    assert html.count('name="color"') == 2
    assert "Add to cart" in html


def test_variants_without_size_or_colour_are_listed_with_their_availability(client, seller):
    product = make_product(
        seller,
        "Notebook",
        variants=[
            {"sku": "NB-DOT", "options": {"paper": "Dotted"}, "price": Decimal("9.00"), "quantity": 0},
            {"sku": "NB-LINE", "options": {"paper": "Lined"}, "price": Decimal("8.00"), "quantity": 5},
        ],
    )

    html = page_text(client.get(f"/p/{product.pk}-notebook/"))

    table = html.split("data-variant-list")[1].split("</table>")[0]
    assert "Dotted</th>" in table.split("<tr>")[2]
    assert "Out of stock" in table.split("<tr>")[2]
    assert "Lined</th>" in table.split("<tr>")[3]
    assert "In stock" in table.split("<tr>")[3]
    assert "data-picker-controls" not in html


def test_a_wrong_slug_redirects_permanently_to_the_canonical_address(client, seller):
    product = make_product(seller, "Trail Shoe")

    wrong = client.get(f"/p/{product.pk}-old-name/?image=2")
    bare = client.get(f"/p/{product.pk}/")

    assert wrong.status_code == 301
    assert wrong["Location"] == f"/p/{product.pk}-trail-shoe/?image=2"
    assert bare.status_code == 301
    assert bare["Location"] == f"/p/{product.pk}-trail-shoe/"


def test_a_missing_product_is_the_404_page(client):
    assert client.get("/p/999999-nothing/").status_code == 404


def test_an_archived_product_page_says_it_is_no_longer_available(client, seller):
    product = make_product(seller, "Old Lamp")
    services.archive_product(product_id=product.pk, actor=seller.user)

    response = client.get(f"/p/{product.pk}-old-lamp/")

    html = page_text(response)
    assert response.status_code == 200
    assert "This product is no longer available" in html
    assert "Cart coming soon" not in html
    assert "data-variant-picker" not in html


def test_a_draft_is_not_found_except_by_its_seller(client, seller):
    product = make_product(seller, "Secret Lamp", status=Product.Status.DRAFT)
    url = f"/p/{product.pk}-secret-lamp/"

    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(seller.user)
    response = client.get(url)
    assert response.status_code == 200
    assert "Only you can see this page" in page_text(response)


def test_the_gallery_shows_the_chosen_picture_without_javascript(client, seller):
    product = make_product(seller, "Lamp")
    for position in range(3):
        add_fake_image(product, position)

    html = page_text(client.get(f"/p/{product.pk}-lamp/?image=2"))

    main = html.split("data-gallery-main")[0].rsplit("<img", 1)[1]
    assert f"products/{product.pk}/1.jpg" in main
    assert html.count('class="gallery-thumb"') == 3


def test_product_query_count_does_not_grow_with_variants_images_and_reviews(
    client, seller, tree, django_assert_max_num_queries
):
    small = make_product(seller, "Small Lamp", category=tree["books"])
    big = make_product(seller, "Big Shoe", category=tree["running"], variants=shoe_variants())
    for position in range(5):
        add_fake_image(big, position)
    for n in range(12):
        services.write_review(product_id=big.pk, user=verified_buyer(big), rating=4, title=f"Review {n}")
    buyer = UserFactory()
    client.force_login(buyer)

    few = queries_for(client, f"/p/{small.pk}-small-lamp/")
    with django_assert_max_num_queries(PRODUCT_QUERIES):
        many = queries_for(client, f"/p/{big.pk}-big-shoe/")
    assert many == few


# --- Reviews ------------------------------------------------------------------------------------------


def test_a_signed_in_buyer_posts_a_review_and_sees_it(client, seller):
    product = make_product(seller, "Lamp")
    buyer = verified_buyer(product, name="Robin Reader")
    client.force_login(buyer)
    assert "Write a review" in page_text(client.get(f"/p/{product.pk}-lamp/"))

    response = client.post(
        f"/p/{product.pk}/reviews", {"rating": "4", "title": "Bright and warm", "body": "Lights the room."}, follow=True
    )

    html = page_text(response)
    assert response.redirect_chain[-1] == (f"/p/{product.pk}-lamp/#reviews", 302)
    assert "Bright and warm" in html
    assert "Lights the room." in html
    assert "Robin" in html
    assert "Thank you! Your review is published." in html
    assert "Write a review" not in html
    assert "You have reviewed this product" in html
    product.refresh_from_db()
    assert (product.review_count, product.rating) == (1, Decimal("4.00"))


def test_a_review_without_a_rating_shows_the_error(client, seller):
    product = make_product(seller, "Lamp")
    client.force_login(verified_buyer(product))

    response = client.post(f"/p/{product.pk}/reviews", {"title": "No stars"})

    assert response.status_code == 400
    assert "This field is required." in page_text(response)
    assert not Review.objects.exists()


def test_the_seller_gets_no_review_form_and_cannot_post_one(client, seller):
    product = make_product(seller, "Lamp")
    client.force_login(seller.user)

    html = page_text(client.get(f"/p/{product.pk}-lamp/"))
    response = client.post(f"/p/{product.pk}/reviews", {"rating": "5", "title": "Mine is great"}, follow=True)

    assert "Write a review" not in html
    assert "You sell this product" in html
    assert "Sellers cannot review their own products." in page_text(response)
    assert not Review.objects.exists()


def test_visitors_are_asked_to_sign_in_to_review(client, seller):
    product = make_product(seller, "Lamp")

    html = page_text(client.get(f"/p/{product.pk}-lamp/"))
    response = client.post(f"/p/{product.pk}/reviews", {"rating": "5", "title": "Anonymous"})

    assert "Sign in</a> to write a review" in html
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert not Review.objects.exists()


def test_reviews_are_paged(client, seller):
    product = make_product(seller, "Lamp")
    for n in range(12):
        services.write_review(
            product_id=product.pk, user=verified_buyer(product), rating=5, title=f"Review number {n:02d}"
        )

    first = page_text(client.get(f"/p/{product.pk}-lamp/"))
    second = page_text(client.get(f"/p/{product.pk}-lamp/?reviews=2"))

    assert "Review number 11" in first
    assert "Review number 01" not in first
    assert "Review number 01" in second
    assert "Review number 00" in second
    assert "Review number 11" not in second
    assert "Older reviews" in first
