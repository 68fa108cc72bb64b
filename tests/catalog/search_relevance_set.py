"""A relevance test set: a small, fixed catalogue and shoppers' queries with the products they mean.

``build_catalogue()`` writes the catalogue (the same rows every time, SKUs included); ``evaluate(search)``
runs every query through ``search(q) -> [product names, best first]`` and scores it: the reciprocal
rank of the first expected product within the top ``CUTOFF`` (mean reciprocal rank over the set) and
whether the first result is an expected one (precision@1). test_search_relevance_score.py runs it on
PostgreSQL and on SQLite and asserts the scores never fall below the recorded floors.

Each query lists every product that would be a right first answer; a query is there because shoppers
type it that way: several words that not all match, plurals and possessives, numbers with units,
price phrases, colours and sizes, SKUs, typos.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

CUTOFF = 10

# (category path, name, brand, price, SKU, description, variants as (colour, size) pairs or None)
# fmt: off
CATALOGUE: list[tuple[str, str, str, str, str, str, list[tuple[str, str]] | None]] = [
    ("Men > Shoes", "Men's Leather Hiking Boots", "Trailforge", "129.00", "SKU-1001",
     "Full-grain leather boots with a grippy sole for rough trails.",
     [("brown", "42"), ("brown", "43"), ("black", "44"), ("black", "45")]),
    ("Men > Shoes", "Men's Running Shoes", "Stride", "89.00", "SKU-1002",
     "Light and cushioned for daily runs.", [("black", "42"), ("blue", "43"), ("blue", "44")]),
    ("Men > Shoes", "Classic Chelsea Boots", "Oakhide", "149.00", "SKU-1003",
     "Elastic side panels, suede upper.", [("brown", "40"), ("brown", "41"), ("brown", "42")]),
    ("Men > Shoes", "Men's Canvas Sneakers", "Stride", "45.00", "SKU-1004",
     "Everyday low-top sneakers.", [("white", "42"), ("navy", "43")]),
    ("Women > Shoes", "Women's Ankle Boots", "Oakhide", "119.00", "SKU-1005",
     "Block heel, side zip.", [("black", "37"), ("beige", "38"), ("black", "39")]),
    ("Women > Dresses", "Floral Summer Dress", "Bloom", "39.00", "SKU-1006",
     "Airy cotton with a floral print.", [("Red", "S"), ("Blue", "M"), ("Blue", "L")]),
    ("Women > Dresses", "Satin Evening Dress", "Bloom", "89.00", "SKU-1007",
     "A long dress for evenings out.", [("black", "S"), ("red", "M"), ("red", "L")]),
    ("Women > Dresses", "Linen Midi Dress", "Bloom", "59.00", "SKU-1008",
     "Breathable linen, mid-calf length.", [("beige", "XS"), ("green", "S"), ("green", "M")]),
    ("Women > Shoes", "Women's Running Shoes", "Stride", "85.00", "SKU-1009",
     "Responsive foam for faster runs.", [("pink", "38"), ("white", "39")]),
    ("Kids > Shoes", "Kids' Light-Up Sneakers", "Tiny Steps", "35.00", "SKU-1010",
     "Soles that light up with every step.", [("blue", "28"), ("pink", "30")]),
    ("Kids > Shoes", "Kids Rain Boots", "Tiny Steps", "25.00", "SKU-1011",
     "Rubber boots for puddles.", [("yellow", "28"), ("red", "30")]),
    ("Kids > Clothing", "Kids' Hooded Raincoat", "Tiny Steps", "30.00", "SKU-1012",
     "A waterproof jacket with a hood.", [("yellow", "4Y"), ("yellow", "6Y"), ("yellow", "8Y")]),
    ("Men > Shirts", "Oxford Cotton Shirt", "Harbor", "49.00", "SKU-1013",
     "Button-down collar, soft cotton.", [("white", "S"), ("white", "M"), ("blue", "L"), ("blue", "XL")]),
    ("Men > Shirts", "Flannel Check Shirt", "Harbor", "45.00", "SKU-1014",
     "Warm brushed flannel.", [("red", "M"), ("green", "L"), ("green", "XL")]),
    ("Men > Shirts", "Graphic T-Shirt", "Harbor", "19.00", "SKU-1015",
     "Printed crew-neck tee.", [("black", "S"), ("black", "M"), ("white", "L"), ("white", "XXL")]),
    ("Electronics > Phones", "Apple iPhone 15 128GB", "Apple", "799.00", "SKU-1016",
     "A 6.1-inch display and a 48 MP camera.", [("black", ""), ("blue", "")]),
    ("Electronics > Phones", "Samsung Galaxy S24 256GB", "Samsung", "849.00", "SKU-1017",
     "A bright screen and a long-lasting battery.", None),
    ("Electronics > Phones", "Pixel 8 Smartphone 128 GB", "Google", "599.00", "SKU-1018",
     "Clean software, great photos.", None),
    ("Electronics > Phone Accessories", "iPhone 15 Silicone Case", "Apple", "49.00", "SKU-1019",
     "Soft-touch silicone protection.", [("black", ""), ("red", ""), ("blue", "")]),
    ("Electronics > Phone Accessories", "Clear Phone Case for Galaxy S24", "Spigen", "19.00", "SKU-1020",
     "Shows off the colour of your phone.", None),
    ("Electronics > Phone Accessories", "Rugged Phone Case", "Otter", "35.00", "SKU-1021",
     "Drop protection; fits iPhone and Galaxy models.", None),
    ("Electronics > Phone Accessories", "USB-C Fast Charger 30W", "Anker", "25.00", "SKU-1022",
     "Charges a phone to half in thirty minutes.", None),
    ("Electronics > Phone Accessories", "Tempered Glass Screen Protector", "Spigen", "12.00", "SKU-1023",
     "Scratch resistant, easy to fit.", None),
    ("Electronics > Laptops", "UltraBook 14 Laptop 16GB RAM 512GB SSD", "Lumen", "1099.00", "SKU-1024",
     "Thin and light with all-day battery.", None),
    ("Electronics > Laptops", "ProBook 15 Laptop 8GB RAM 256GB SSD", "Lumen", "699.00", "SKU-1025",
     "A dependable work laptop.", None),
    ("Electronics > Laptops", "Gaming Laptop 16 GB RAM RTX 4060", "Vortex", "1499.00", "SKU-1026",
     "A fast screen and a powerful graphics card.", None),
    ("Electronics > Laptop Accessories", "Laptop Sleeve 16 inch", "Harbor", "29.00", "SKU-1027",
     "Padded neoprene sleeve.", [("grey", ""), ("navy", "")]),
    ("Electronics > Laptops", "Chromebook 11 4GB", "Lumen", "249.00", "SKU-1028",
     "Simple and quick for school.", None),
    ("Electronics > Headphones", "Wireless Noise Cancelling Headphones", "Sonora", "199.00", "SKU-1029",
     "Quiet the world with thirty hours of battery.", None),
    ("Electronics > Headphones", "Budget Wireless Headphones", "Sonora", "39.00", "SKU-1030",
     "Good sound for less.", None),
    ("Electronics > Headphones", "Wired Studio Headphones", "Sonora", "79.00", "SKU-1031",
     "Flat response for mixing.", None),
    ("Electronics > Headphones", "Wireless Earbuds", "Pulse", "45.00", "SKU-1032",
     "Pocket-sized with a charging case.", None),
    ("Electronics > Headphones", "Kids Headphones Volume Limited", "Pulse", "25.00", "SKU-1033",
     "Volume capped for young ears.", None),
    ("Electronics > Cameras", "Mirrorless Camera 24MP", "Optix", "899.00", "SKU-1034",
     "Interchangeable lenses, fast autofocus.", None),
    ("Electronics > Cameras", "Action Camera 4K", "Optix", "199.00", "SKU-1035",
     "Waterproof to ten metres.", None),
    ("Home > Kitchen", "Stainless Steel Water Bottle 750ml", "Hydra", "25.00", "SKU-1036",
     "Keeps drinks cold for a day.", None),
    ("Home > Kitchen", "Cast Iron Skillet 12 inch", "Forge", "45.00", "SKU-1037",
     "Pre-seasoned and oven safe.", None),
    ("Home > Kitchen", "Electric Kettle 1.7 L", "Brew", "39.00", "SKU-1038",
     "Boils fast, switches off by itself.", None),
    ("Home > Kitchen", "Ceramic Coffee Mug", "Brew", "12.00", "SKU-1039",
     "Holds a generous cup.", [("white", ""), ("blue", "")]),
    ("Home > Kitchen", "French Press Coffee Maker", "Brew", "29.00", "SKU-1040",
     "Rich coffee in four minutes.", None),
    ("Home > Bedding", "Cotton Duvet Cover", "Dream", "69.00", "SKU-1041",
     "Soft percale weave.", [("white", "Queen"), ("grey", "Queen"), ("white", "King")]),
    ("Home > Bedding", "Memory Foam Pillow", "Dream", "35.00", "SKU-1042",
     "Supports the neck.", None),
    ("Outdoor > Camping", "2-Person Dome Tent", "Trailforge", "149.00", "SKU-1043",
     "Sets up in five minutes.", None),
    ("Outdoor > Camping", "Down Sleeping Bag", "Trailforge", "129.00", "SKU-1044",
     "Warm to minus five.", None),
    ("Outdoor > Camping", "LED Camping Lantern", "Trailforge", "25.00", "SKU-1045",
     "Bright, rechargeable.", None),
    ("Outdoor > Camping", "Hiking Backpack 40L", "Trailforge", "89.00", "SKU-1046",
     "A pack for long days on the trail.", [("green", ""), ("black", "")]),
    ("Sports > Fitness", "Yoga Mat 6mm", "Flexa", "29.00", "SKU-1047",
     "Non-slip and cushioned.", [("purple", ""), ("green", "")]),
    ("Sports > Fitness", "Adjustable Dumbbells 20kg", "Flexa", "149.00", "SKU-1048",
     "From 2 to 20 kg with a twist.", None),
    ("Sports > Fitness", "Men's Training Shorts", "Flexa", "25.00", "SKU-1049",
     "Quick-dry with zip pockets.", [("black", "M"), ("grey", "L"), ("black", "XL")]),
    ("Sports > Fitness", "Women's Yoga Leggings", "Flexa", "39.00", "SKU-1050",
     "High waist, squat-proof.", [("black", "XS"), ("navy", "S"), ("black", "M")]),
]
# fmt: on

BOOTS_MEN = ["Men's Leather Hiking Boots", "Classic Chelsea Boots"]
PHONE_CASES = ["iPhone 15 Silicone Case", "Clear Phone Case for Galaxy S24", "Rugged Phone Case"]
LAPTOPS_16GB = ["UltraBook 14 Laptop 16GB RAM 512GB SSD", "Gaming Laptop 16 GB RAM RTX 4060"]
HEADPHONES = [
    "Wireless Noise Cancelling Headphones",
    "Budget Wireless Headphones",
    "Wired Studio Headphones",
    "Kids Headphones Volume Limited",
]

# (query, the products that are a right first answer)
QUERIES: list[tuple[str, list[str]]] = [
    # Several words, not all of them in one product's text; plurals and possessives.
    ("men boots", BOOTS_MEN),
    ("mens boots", BOOTS_MEN),
    ("men's boots", BOOTS_MEN),
    ("hiking boots men", ["Men's Leather Hiking Boots"]),
    ("leather boots", ["Men's Leather Hiking Boots"]),
    ("women's boots", ["Women's Ankle Boots"]),
    ("womens running shoes", ["Women's Running Shoes"]),
    ("mens running shoe", ["Men's Running Shoes"]),
    ("running shoes", ["Men's Running Shoes", "Women's Running Shoes"]),
    ("kids shoes", ["Kids' Light-Up Sneakers", "Kids Rain Boots"]),
    ("kids sneakers", ["Kids' Light-Up Sneakers"]),
    ("rain boots for kids", ["Kids Rain Boots"]),
    ("kids raincoat", ["Kids' Hooded Raincoat"]),
    ("waterproof jacket kids", ["Kids' Hooded Raincoat"]),
    ("kids headphones", ["Kids Headphones Volume Limited"]),
    ("sneakers", ["Men's Canvas Sneakers", "Kids' Light-Up Sneakers"]),
    ("phone case", PHONE_CASES),
    ("phone cases", PHONE_CASES),
    ("iphone case", ["iPhone 15 Silicone Case"]),
    ("galaxy s24 case", ["Clear Phone Case for Galaxy S24"]),
    ("samsung phone", ["Samsung Galaxy S24 256GB"]),
    ("screen protector", ["Tempered Glass Screen Protector"]),
    ("usb c charger", ["USB-C Fast Charger 30W"]),
    ("wireless headphones", ["Wireless Noise Cancelling Headphones", "Budget Wireless Headphones"]),
    ("noise cancelling headphones", ["Wireless Noise Cancelling Headphones"]),
    ("studio headphones", ["Wired Studio Headphones"]),
    ("earbuds", ["Wireless Earbuds"]),
    ("camping lantern", ["LED Camping Lantern"]),
    ("lantern for camping", ["LED Camping Lantern"]),
    ("hiking backpack", ["Hiking Backpack 40L"]),
    ("trailforge tent", ["2-Person Dome Tent"]),
    ("coffee mug", ["Ceramic Coffee Mug"]),
    ("coffee maker", ["French Press Coffee Maker"]),
    ("water bottle", ["Stainless Steel Water Bottle 750ml"]),
    ("memory foam pillow", ["Memory Foam Pillow"]),
    ("yoga mat", ["Yoga Mat 6mm"]),
    ("dumbbell", ["Adjustable Dumbbells 20kg"]),
    ("laptop sleeve", ["Laptop Sleeve 16 inch"]),
    ("flannel shirt", ["Flannel Check Shirt"]),
    ("t-shirt", ["Graphic T-Shirt"]),
    ("summer dress", ["Floral Summer Dress"]),
    ("shorts", ["Men's Training Shorts"]),
    ("chromebook", ["Chromebook 11 4GB"]),
    ("mirrorless camera", ["Mirrorless Camera 24MP"]),
    ("apple", ["Apple iPhone 15 128GB", "iPhone 15 Silicone Case"]),
    # A word no product has: the others still find what was meant.
    ("waterproof hiking boots", ["Men's Leather Hiking Boots"]),
    ("bluetooth headphones", [*HEADPHONES, "Wireless Earbuds"]),
    ("iphone 15 pro case", ["iPhone 15 Silicone Case"]),
    ("comfy running shoes", ["Men's Running Shoes", "Women's Running Shoes"]),
    ("kettle with temperature control", ["Electric Kettle 1.7 L"]),
    ("cheap wireless earbuds", ["Wireless Earbuds"]),
    ("gaming laptop 32gb", ["Gaming Laptop 16 GB RAM RTX 4060"]),
    ("queen duvet", ["Cotton Duvet Cover"]),
    # Numbers with units, glued or apart.
    ("laptop 16gb", LAPTOPS_16GB),
    ("laptop 16 gb", LAPTOPS_16GB),
    ("16gb laptop", LAPTOPS_16GB),
    ("bottle 750ml", ["Stainless Steel Water Bottle 750ml"]),
    ("bottle 750 ml", ["Stainless Steel Water Bottle 750ml"]),
    ("dumbbells 20kg", ["Adjustable Dumbbells 20kg"]),
    ("charger 30w", ["USB-C Fast Charger 30W"]),
    ("pixel 128gb", ["Pixel 8 Smartphone 128 GB"]),
    ("backpack 40l", ["Hiking Backpack 40L"]),
    ("camera 4k", ["Action Camera 4K"]),
    ("skillet 12 inch", ["Cast Iron Skillet 12 inch"]),
    # Price phrases.
    ("wireless headphones under 50", ["Budget Wireless Headphones", "Wireless Earbuds"]),
    ("headphones below $50", ["Budget Wireless Headphones", "Kids Headphones Volume Limited"]),
    ("headphones less than 30", ["Kids Headphones Volume Limited"]),
    ("pillow under 40", ["Memory Foam Pillow"]),
    ("backpack under 100", ["Hiking Backpack 40L"]),
    ("sonora headphones under 100", ["Wired Studio Headphones", "Budget Wireless Headphones"]),
    ("boots under 130", ["Men's Leather Hiking Boots", "Women's Ankle Boots", "Kids Rain Boots"]),
    # Colours and sizes of the variants.
    ("red dress", ["Satin Evening Dress", "Floral Summer Dress"]),
    ("green dress", ["Linen Midi Dress"]),
    ("black boots", ["Men's Leather Hiking Boots", "Women's Ankle Boots"]),
    ("brown boots", BOOTS_MEN),
    ("red shirt", ["Flannel Check Shirt"]),
    ("navy sneakers", ["Men's Canvas Sneakers"]),
    ("yoga leggings black", ["Women's Yoga Leggings"]),
    ("evening dress black", ["Satin Evening Dress"]),
    ("dress xs", ["Linen Midi Dress"]),
    ("shirt xxl", ["Graphic T-Shirt"]),
    ("raincoat 6y", ["Kids' Hooded Raincoat"]),
    ("men boots size 44", ["Men's Leather Hiking Boots"]),
    ("duvet cover king", ["Cotton Duvet Cover"]),
    # SKUs: exact (any case) and the start of one.
    ("SKU-1016-BLACK", ["Apple iPhone 15 128GB"]),
    ("sku-1019-red", ["iPhone 15 Silicone Case"]),
    ("SKU-1029", ["Wireless Noise Cancelling Headphones"]),
    ("SKU-1001", ["Men's Leather Hiking Boots"]),
    # Typos.
    ("iphnoe", ["Apple iPhone 15 128GB"]),
    ("headphnoes", HEADPHONES),
    ("sleepng bag", ["Down Sleeping Bag"]),
    ("mirrorles camera", ["Mirrorless Camera 24MP"]),
]


@dataclass
class Score:
    mrr: float  # mean reciprocal rank of the first right answer within the top CUTOFF
    precision_at_1: float  # share of queries whose first result is a right answer
    queries: int
    misses: list[tuple[str, list[str]]]  # queries whose first result was not a right answer, with the top 3

    def summary(self, engine: str) -> str:
        lines = [f"search relevance ({engine}): MRR@{CUTOFF} {self.mrr:.3f}, P@1 {self.precision_at_1:.3f}"]
        lines.append(f"  over {self.queries} queries; first result wrong for {len(self.misses)}:")
        lines += [f"    {q!r} -> {top}" for q, top in self.misses]
        return "\n".join(lines)


def build_catalogue() -> None:
    """Write the catalogue: categories, one seller, products with their variants (fixed SKUs) and stock."""
    from catalog.models import Variant
    from tests.catalog.search_factories import make_category, make_product
    from tests.sellers.factories import SellerFactory

    seller = SellerFactory()
    categories: dict[str, object] = {}
    for path, name, brand, price, sku, description, variants in CATALOGUE:
        parent = None
        for depth, part in enumerate(path.split(" > ")):
            key = " > ".join(path.split(" > ")[: depth + 1])
            if key not in categories:
                categories[key] = make_category(part, parent=parent)
            parent = categories[key]
        specs = [{"color": c, "size": s} if s else {"color": c} for c, s in variants] if variants else None
        product = make_product(
            name, seller=seller, category=parent, brand=brand, price=price, description=description, variants=specs
        )
        for variant in Variant.objects.filter(product=product).order_by("position"):
            parts = [sku, variant.color.upper(), variant.size.upper()] if variants else [sku]
            variant.sku = "-".join(p for p in parts if p)
            variant.save(update_fields=["sku"])


def evaluate(search: Callable[[str], list[str]]) -> Score:
    """Run every query and score the answers."""
    reciprocal, first_right, misses = 0.0, 0, []
    for query, expected in QUERIES:
        found = search(query)[:CUTOFF]
        rank = next((i for i, name in enumerate(found, 1) if name in expected), None)
        reciprocal += 1 / rank if rank else 0.0
        if rank == 1:
            first_right += 1
        else:
            misses.append((query, found[:3]))
    return Score(reciprocal / len(QUERIES), first_right / len(QUERIES), len(QUERIES), misses)
