"""What the demo catalog is made of: the category tree, and for each leaf the kind of product it holds.

A kind names its brands, name templates (``str.format`` over the brand, the colour, its word pools
and its attributes), a price range, attributes that fit it and how its variants are cut. Everything
is plain data so that the catalog can grow by adding lines here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
import random

# Colours with a display name and the RGB the pictures are drawn in. Variant options carry the key.
COLORS: dict[str, tuple[str, tuple[int, int, int]]] = {
    "black": ("Black", (38, 38, 44)),
    "white": ("White", (236, 234, 228)),
    "grey": ("Grey", (128, 132, 138)),
    "navy": ("Navy", (34, 52, 96)),
    "blue": ("Blue", (52, 110, 190)),
    "red": ("Red", (190, 46, 52)),
    "green": ("Green", (56, 128, 84)),
    "beige": ("Beige", (212, 190, 156)),
    "pink": ("Pink", (226, 140, 170)),
    "yellow": ("Yellow", (236, 190, 60)),
    "brown": ("Brown", (120, 78, 48)),
}

APPAREL_SIZES = ("XS", "S", "M", "L", "XL", "XXL")
KIDS_SIZES = ("2Y", "4Y", "6Y", "8Y", "10Y", "12Y")
SHOE_SIZES = tuple(str(n) for n in range(36, 47))  # EU
WAIST_SIZES = ("28", "30", "32", "34", "36", "38")

# fmt: off
PEOPLE_FIRST = (
    "Alice", "Ben", "Clara", "Daniel", "Elena", "Felix", "Grace", "Henry", "Iris", "James", "Kira", "Leon", "Maya",
    "Nathan", "Olga", "Paul", "Rosa", "Simon", "Tara", "Victor", "Wen", "Yusuf", "Zoe",
)
PEOPLE_LAST = (
    "Ashford", "Brennan", "Calloway", "Delgado", "Everett", "Fairbanks", "Grant", "Holloway", "Ibarra", "Jansen",
    "Kowal", "Lindholm", "Marsh", "Novak", "Okonkwo", "Pryce", "Quill", "Rowe", "Sterling", "Thorne", "Vance",
    "Whitlock", "Yates",
)
# fmt: on

Attribute = tuple | Callable[[random.Random], object]


def between(low: int, high: int, unit: str = "", step: int = 1) -> Callable[[random.Random], object]:
    """An attribute drawn from a range: a number, or a string with its unit."""

    def pick(rng: random.Random) -> object:
        value = rng.randrange(low, high + 1, step)
        return f"{value} {unit}" if unit else value

    return pick


def person(rng: random.Random) -> str:
    return f"{rng.choice(PEOPLE_FIRST)} {rng.choice(PEOPLE_LAST)}"


def isbn13(rng: random.Random) -> str:
    digits = [9, 7, 8] + [rng.randrange(10) for _ in range(9)]
    check = (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
    return "".join(map(str, [*digits, check]))


@dataclass(frozen=True)
class Kind:
    noun: str  # what one is called in descriptions and reviews: "smartphone"
    brands: tuple[str, ...]
    names: tuple[str, ...]  # templates over {brand}, {color}, the word pools and the attributes
    price: tuple[int, int]  # whole currency units
    attributes: dict[str, Attribute] = field(default_factory=dict)
    words: dict[str, tuple] = field(default_factory=dict)
    features: tuple[str, ...] = ()  # phrases for the description
    colors: tuple[str, ...] = ("black", "white", "grey")
    variants: str = "single"  # single | apparel | kids | shoes | waist
    shape: str = "circle"  # what the pictures show: circle, square, tall, wide, triangle, diamond
    blurb: tuple[str, ...] = ()  # description templates replacing the generic ones


GENERIC_BLURB = (
    "The {name} brings {f1} and {f2} together in one {noun}. {closing}",
    "Built for every day, this {noun} offers {f1}, {f2} and {f3}. {closing}",
    "{brand} designed the {name} around {f1}. You also get {f2}. {closing}",
    "Looking for a {noun} with {f1}? The {name} adds {f2} and {f3}. {closing}",
)
CLOSINGS = (
    "Backed by a two-year warranty.",
    "Ships in recyclable packaging.",
    "Free returns within 30 days.",
    "A favourite with our customers.",
    "Designed to last for years.",
    "",
)

PHONE = Kind(
    noun="smartphone",
    brands=("Lumio", "Novaphone", "Orbit", "Kestrel", "Zentek", "Aurora"),
    names=(
        "{brand} {series} {num}{tier} Smartphone, {storage}, {color}",
        "{brand} {series} {num}{tier} 5G Phone {storage}",
        "{brand} {series} {num}{tier} Unlocked Smartphone ({color})",
    ),
    price=(129, 1299),
    words={
        "series": ("Pulse", "Nova", "Edge", "Air", "Vista", "Prime", "Spark", "Halo"),
        "num": tuple(range(5, 16)),
        "tier": ("", " Pro", " Plus", " Lite", " Max", " Mini", " Ultra"),
    },
    attributes={
        "storage": ("64 GB", "128 GB", "256 GB", "512 GB"),
        "ram": ("4 GB", "6 GB", "8 GB", "12 GB"),
        "screen_size": ('5.8"', '6.1"', '6.4"', '6.7"', '6.9"'),
        "camera": ("12 MP", "48 MP", "50 MP", "64 MP", "108 MP", "200 MP"),
        "battery": between(3200, 5500, "mAh", 100),
        "operating_system": ("Android 15", "Android 16", "LumiOS 4"),
    },
    features=(
        "an all-day battery",
        "a bright OLED display",
        "a fast night-mode camera",
        "5G connectivity",
        "wireless charging",
        "an IP68 water-resistant body",
        "a 120 Hz screen",
        "a fingerprint reader in the display",
    ),
    colors=("black", "white", "blue", "green", "pink"),
    shape="tall",
)
LAPTOP = Kind(
    noun="laptop",
    brands=("Zentek", "Corvid", "Altura", "Lumio", "Northbook"),
    names=(
        "{brand} {series} {size} Laptop, {cpu}, {ram} RAM, {storage} SSD",
        "{brand} {series} {num} {size} Notebook ({cpu}, {ram})",
        "{brand} {series}Book {num} Ultrabook {storage}",
    ),
    price=(399, 2899),
    words={"series": ("Aero", "Vector", "Studio", "Swift", "Flex", "Zen", "Titan"), "num": tuple(range(3, 10))},
    attributes={
        "cpu": ("Intel Core i5", "Intel Core i7", "Intel Core Ultra 7", "AMD Ryzen 5", "AMD Ryzen 7", "ARM 10-core"),
        "ram": ("8 GB", "16 GB", "32 GB", "64 GB"),
        "storage": ("256 GB", "512 GB", "1 TB", "2 TB"),
        "size": ('13.3"', '14"', '15.6"', '16"', '17.3"'),
        "weight": ("1.1 kg", "1.3 kg", "1.6 kg", "1.9 kg", "2.4 kg"),
        "battery_life": between(6, 22, "hours"),
    },
    features=(
        "a backlit keyboard",
        "a colour-accurate display",
        "a quiet cooling system",
        "USB-C charging",
        "a full-HD webcam",
        "an aluminium unibody",
        "Wi-Fi 7",
    ),
    colors=("grey", "black", "white"),
    shape="wide",
)
TABLET = Kind(
    noun="tablet",
    brands=("Lumio", "Orbit", "Zentek", "Kestrel"),
    names=("{brand} Tab {num}{tier} {size} Tablet, {storage}", "{brand} {series} Pad {size} Wi-Fi {storage}"),
    price=(149, 1199),
    words={"num": tuple(range(6, 13)), "tier": ("", " Pro", " Lite", " Air"), "series": ("Vista", "Nova", "Edge")},
    attributes={
        "storage": ("64 GB", "128 GB", "256 GB", "512 GB"),
        "size": ('8.7"', '10.9"', '11"', '12.4"', '13"'),
        "connectivity": ("Wi-Fi", "Wi-Fi + 5G"),
        "stylus_support": ("yes", "no"),
    },
    features=("a laminated display", "stylus support", "quad speakers", "a keyboard cover option", "all-day battery"),
    colors=("grey", "black", "blue", "pink"),
    shape="square",
)
HEADPHONES = Kind(
    noun="headphones",
    brands=("Sonora", "Acoustix", "Bassline", "Lumio", "Echo Labs", "Hush"),
    names=(
        "{brand} {series} {num} Wireless Headphones",
        "{brand} {series} Noise Cancelling Over-Ear Headphones",
        "{brand} {series} {num} True Wireless Earbuds",
        "{brand} {series} Studio Headphones, {color}",
    ),
    price=(19, 449),
    words={"series": ("Q", "Pulse", "Aura", "Drift", "Wave", "Zen", "Studio"), "num": tuple(range(1, 10))},
    attributes={
        "type": ("over-ear", "on-ear", "in-ear"),
        "wireless": ("Bluetooth 5.3", "Bluetooth 5.4", "wired"),
        "noise_cancelling": ("active", "passive"),
        "battery_life": between(8, 60, "hours"),
    },
    features=(
        "active noise cancelling",
        "deep, balanced bass",
        "a 40-hour battery",
        "multipoint pairing",
        "memory-foam ear cushions",
        "a clear call microphone",
    ),
    colors=("black", "white", "navy", "beige", "green"),
    shape="circle",
)
CAMERA = Kind(
    noun="camera",
    brands=("Optika", "Lumen", "Fotora", "Kestrel"),
    names=("{brand} {series}{num} Mirrorless Camera with {lens} Lens", "{brand} {series} {num} Compact Camera"),
    price=(249, 3499),
    words={"series": ("Alpha ", "Z", "X-", "Vision "), "num": tuple(range(5, 100, 5))},
    attributes={
        "sensor": ("full frame", "APS-C", "Micro Four Thirds", '1"'),
        "megapixels": ("20 MP", "24 MP", "33 MP", "45 MP", "61 MP"),
        "video": ("4K 30p", "4K 60p", "6K", "8K"),
        "lens": ("18-55 mm", "24-70 mm", "28-60 mm", "16-50 mm"),
        "stabilisation": ("in-body", "lens"),
    },
    features=("fast autofocus", "in-body stabilisation", "weather sealing", "4K video", "a tilting touchscreen"),
    colors=("black", "grey"),
    shape="square",
)
WATCH = Kind(
    noun="smartwatch",
    brands=("Lumio", "Pacer", "Orbit", "Kestrel"),
    names=("{brand} Watch {num}{tier} {case}", "{brand} {series} GPS Smartwatch, {case}"),
    price=(79, 799),
    words={"num": tuple(range(3, 10)), "tier": ("", " Pro", " Sport", " Active"), "series": ("Trail", "Fit", "Run")},
    attributes={
        "case": ("40 mm", "42 mm", "44 mm", "46 mm"),
        "gps": ("yes", "no"),
        "water_resistance": ("5 ATM", "10 ATM"),
        "battery_life": between(1, 14, "days"),
    },
    features=("heart-rate tracking", "built-in GPS", "sleep tracking", "contactless payments", "an always-on screen"),
    colors=("black", "white", "green", "pink", "grey"),
    shape="square",
)
TV = Kind(
    noun="TV",
    brands=("Visio", "Zentek", "Panora", "Lumio"),
    names=("{brand} {size} {panel} {resolution} Smart TV", "{brand} {series} {size} {resolution} TV"),
    price=(199, 3999),
    words={"series": ("Cinema", "Vivid", "Q-Series", "Frame")},
    attributes={
        "size": ('43"', '50"', '55"', '65"', '75"', '85"'),
        "panel": ("LED", "QLED", "OLED", "Mini-LED"),
        "resolution": ("4K", "8K", "Full HD"),
        "refresh_rate": ("60 Hz", "120 Hz", "144 Hz"),
        "hdr": ("HDR10", "Dolby Vision", "HDR10+"),
    },
    features=("deep blacks", "a game mode with low lag", "built-in streaming apps", "voice control", "Dolby Atmos"),
    colors=("black", "grey"),
    shape="wide",
)
SPEAKER = Kind(
    noun="speaker",
    brands=("Sonora", "Bassline", "Acoustix", "Echo Labs"),
    names=(
        "{brand} {series} {num} Portable Bluetooth Speaker",
        "{brand} {series} Smart Speaker",
        "{brand} {series} Soundbar",
    ),
    price=(29, 899),
    words={"series": ("Boom", "Flip", "Home", "Arc", "Go"), "num": tuple(range(2, 8))},
    attributes={
        "power": between(10, 400, "W", 10),
        "waterproof": ("IP67", "IPX4", "no"),
        "battery_life": between(6, 30, "hours"),
        "voice_assistant": ("yes", "no"),
    },
    features=("room-filling sound", "a waterproof body", "stereo pairing", "a 24-hour battery", "voice control"),
    colors=("black", "blue", "red", "green", "white"),
    shape="tall",
)


def apparel(noun: str, names: tuple[str, ...], price: tuple[int, int], **extra) -> Kind:
    base = {
        "brands": ("Threadline", "Northfold", "Urban Loom", "Fieldhouse", "Cotton & Co.", "Maple"),
        "attributes": {
            "material": ("100% cotton", "organic cotton", "cotton blend", "linen", "merino wool", "recycled polyester"),
            "fit": ("regular", "slim", "relaxed", "oversized"),
            "care": ("machine wash 30°C", "machine wash 40°C", "hand wash"),
        },
        "features": ("soft, breathable fabric", "a tailored fit", "reinforced seams", "colours that do not fade"),
        "colors": ("black", "white", "navy", "grey", "red", "green", "beige"),
        "variants": "apparel",
        "shape": "square",
    }
    base.update(extra)
    return Kind(noun=noun, names=names, price=price, **base)


MEN_TSHIRT = apparel(
    "t-shirt",
    ("{brand} Men's {style} T-Shirt", "{brand} Essential Crew Neck Tee"),
    (9, 39),
    words={"style": ("Crew Neck", "V-Neck", "Pocket", "Henley", "Graphic")},
)
MEN_SHIRT = apparel(
    "shirt",
    ("{brand} Men's {style} Shirt", "{brand} {style} Button-Down Shirt"),
    (24, 89),
    words={"style": ("Oxford", "Flannel", "Linen", "Poplin", "Denim")},
)
MEN_JEANS = apparel(
    "jeans",
    ("{brand} Men's {style} Jeans", "{brand} {style} Denim Jeans"),
    (39, 129),
    words={"style": ("Slim Fit", "Straight", "Tapered", "Relaxed")},
    variants="waist",
    colors=("blue", "navy", "black", "grey"),
)
MEN_JACKET = apparel(
    "jacket",
    ("{brand} Men's {style} Jacket", "{brand} {style} Jacket"),
    (49, 299),
    words={"style": ("Quilted", "Rain", "Bomber", "Denim", "Down", "Field")},
)
MEN_HOODIE = apparel(
    "hoodie",
    ("{brand} Men's {style} Hoodie", "{brand} Heavyweight {style} Hoodie"),
    (29, 89),
    words={"style": ("Zip", "Pullover", "Fleece")},
)
WOMEN_DRESS = apparel(
    "dress",
    ("{brand} Women's {style} Dress", "{brand} {style} Midi Dress"),
    (29, 189),
    words={"style": ("Wrap", "Shirt", "Slip", "Maxi", "Knit", "Floral")},
    colors=("black", "navy", "red", "green", "pink", "beige", "yellow"),
)
WOMEN_TOP = apparel(
    "top",
    ("{brand} Women's {style} Top", "{brand} Women's {style} T-Shirt"),
    (12, 59),
    words={"style": ("Relaxed", "Cropped", "Ribbed", "Boxy", "Striped")},
)
WOMEN_JEANS = apparel(
    "jeans",
    ("{brand} Women's {style} Jeans", "{brand} High-Rise {style} Jeans"),
    (39, 139),
    words={"style": ("Skinny", "Straight", "Wide-Leg", "Mom", "Bootcut")},
    variants="waist",
    colors=("blue", "navy", "black", "white"),
)
WOMEN_SWEATER = apparel(
    "sweater",
    ("{brand} Women's {style} Sweater", "{brand} {style} Cardigan"),
    (35, 159),
    words={"style": ("Cable-Knit", "Cashmere-Blend", "Merino", "Turtleneck")},
)
KIDS_TOP = apparel(
    "t-shirt",
    ("{brand} Kids' {style} T-Shirt", "{brand} Kids' {style} Top"),
    (7, 29),
    words={"style": ("Dinosaur", "Rainbow", "Striped", "Space", "Logo")},
    variants="kids",
    colors=("red", "blue", "yellow", "green", "pink", "navy"),
)
KIDS_PYJAMAS = apparel(
    "pyjamas",
    ("{brand} Kids' {style} Pyjama Set",),
    (12, 39),
    words={"style": ("Star", "Animal", "Cotton", "Winter")},
    variants="kids",
    colors=("blue", "pink", "grey", "navy"),
)


def shoes(noun: str, names: tuple[str, ...], price: tuple[int, int], **extra) -> Kind:
    base = {
        "brands": ("Stride", "Fleetfoot", "Terrain", "Cobble & Co.", "Aeris", "Marlow"),
        "attributes": {
            "upper": ("mesh", "leather", "suede", "knit", "canvas"),
            "sole": ("rubber", "EVA foam", "carbon-plated foam", "Vibram"),
            "closure": ("laces", "slip-on", "zip", "buckle"),
        },
        "features": ("a cushioned midsole", "a grippy outsole", "a breathable upper", "a padded collar"),
        "colors": ("black", "white", "grey", "navy", "red", "brown"),
        "variants": "shoes",
        "shape": "wide",
    }
    base.update(extra)
    return Kind(noun=noun, names=names, price=price, **base)


RUNNING = shoes(
    "running shoes",
    ("{brand} {series} {num} Running Shoes", "{brand} {series} Trail Running Shoes"),
    (59, 229),
    words={"series": ("Glide", "Tempo", "Pace", "Ridge", "Nimbus", "Vapor"), "num": tuple(range(2, 12))},
    attributes={
        "drop": between(4, 12, "mm", 2),
        "weight": between(190, 320, "g", 10),
        "surface": ("road", "trail", "track"),
    },
)
BOOTS = shoes(
    "boots",
    ("{brand} {style} Boots", "{brand} Leather {style} Boots"),
    (79, 299),
    words={"style": ("Chelsea", "Hiking", "Chukka", "Work", "Winter")},
    colors=("black", "brown", "beige", "grey"),
)
SNEAKERS = shoes(
    "sneakers",
    ("{brand} {series} Low Sneakers", "{brand} {series} High-Top Sneakers", "{brand} Classic {series} Sneakers"),
    (45, 179),
    words={"series": ("Court", "Retro", "Street", "Canvas", "Club")},
)
SANDALS = shoes(
    "sandals",
    ("{brand} {style} Sandals",),
    (19, 99),
    words={"style": ("Slide", "Strappy", "Sport", "Cork Footbed")},
    colors=("black", "brown", "beige", "white"),
)
FORMAL = shoes(
    "shoes",
    ("{brand} {style} Leather Shoes", "{brand} {style} Dress Shoes"),
    (69, 259),
    words={"style": ("Oxford", "Derby", "Loafer", "Brogue", "Monk Strap")},
    colors=("black", "brown"),
)


def home(
    noun,
    brands,
    names,
    price,
    attributes,
    features,
    words=None,
    colors=("black", "white", "grey", "beige"),
    shape="square",
) -> Kind:
    return Kind(
        noun=noun,
        brands=brands,
        names=names,
        price=price,
        attributes=attributes,
        features=features,
        words=words or {},
        colors=colors,
        shape=shape,
    )


COOKWARE = home(
    "pan",
    ("Hearthstone", "Cuisina", "Ferro", "Copperline"),
    ("{brand} {material} {item} {diameter}", "{brand} {item}, {material}, Induction-Ready"),
    (19, 249),
    {
        "material": ("Stainless Steel", "Cast Iron", "Non-Stick", "Carbon Steel", "Copper"),
        "diameter": ("20 cm", "24 cm", "28 cm", "30 cm"),
        "induction": ("yes", "no"),
        "oven_safe": ("up to 230°C", "up to 260°C", "no"),
    },
    ("even heating", "a stay-cool handle", "an oven-safe build", "a scratch-resistant coating"),
    {"item": ("Frying Pan", "Saucepan", "Sauté Pan", "Dutch Oven", "Wok", "Stockpot")},
    ("black", "grey", "red", "blue"),
    "circle",
)
APPLIANCE = home(
    "appliance",
    ("Cuisina", "Brewmaster", "Kitchenly", "Vortex"),
    ("{brand} {item} {power}", "{brand} {series} {item}"),
    (25, 699),
    {
        "power": between(600, 2200, "W", 100),
        "capacity": ("0.5 L", "1 L", "1.7 L", "4 L", "5.5 L"),
        "programmes": between(3, 12),
    },
    ("one-touch programmes", "a dishwasher-safe jug", "a compact footprint", "quiet operation"),
    {
        "item": (
            "Coffee Maker",
            "Espresso Machine",
            "Air Fryer",
            "Blender",
            "Kettle",
            "Toaster",
            "Stand Mixer",
            "Rice Cooker",
        ),
        "series": ("Pro", "Compact", "Deluxe", "Smart"),
    },
    ("black", "white", "red", "grey"),
    "tall",
)
KNIVES = home(
    "knife",
    ("Ferro", "Hoshi", "Kitchenly"),
    ("{brand} {item} {length}", "{brand} {steel} {item}"),
    (15, 349),
    {
        "length": ("9 cm", "15 cm", "18 cm", "20 cm", "24 cm"),
        "steel": ("German Steel", "Damascus Steel", "VG-10 Steel", "Carbon Steel"),
        "handle": ("pakkawood", "olive wood", "polymer"),
    },
    ("a razor-sharp edge", "a balanced handle", "full-tang construction"),
    {"item": ("Chef's Knife", "Santoku Knife", "Bread Knife", "Paring Knife", "Knife Block Set")},
    ("black", "brown", "grey"),
    "triangle",
)
FURNITURE = home(
    "piece",
    ("Nordic Nest", "Oakhaven", "Loftline", "Casa Verde"),
    ("{brand} {style} {item}", "{brand} {item} in {material}"),
    (49, 1899),
    {
        "material": ("Solid Oak", "Walnut Veneer", "Pine", "Steel", "Velvet", "Bouclé"),
        "width": between(40, 240, "cm", 10),
        "assembly": ("required", "not required"),
    },
    ("solid construction", "a timeless design", "easy assembly", "a stain-resistant finish"),
    {
        "style": ("Scandi", "Mid-Century", "Industrial", "Modern", "Rustic"),
        "item": ("Coffee Table", "Bookshelf", "Armchair", "3-Seater Sofa", "Dining Chair", "Desk", "Bedside Table"),
    },
    ("beige", "grey", "green", "brown", "navy"),
    "wide",
)
BEDDING = home(
    "set",
    ("Dreamweave", "Linenfold", "Cotton & Co."),
    ("{brand} {material} {item}, {bed}", "{brand} {item} {bed}"),
    (19, 249),
    {
        "bed": ("Single", "Double", "Queen", "King"),
        "material": ("Percale Cotton", "Sateen", "Linen", "Bamboo"),
        "thread_count": ("200", "300", "400", "600"),
    },
    ("a cool, crisp feel", "deep pockets", "hidden button closures"),
    {"item": ("Duvet Cover Set", "Fitted Sheet", "Pillowcase Pair", "Weighted Blanket", "Quilt")},
    ("white", "grey", "beige", "blue", "pink"),
    "wide",
)
LIGHTING = home(
    "lamp",
    ("Lumen Home", "Nordic Nest", "Glowform"),
    ("{brand} {style} {item}", "{brand} {item} with {bulb}"),
    (19, 399),
    {"bulb": ("E27 LED", "integrated LED", "GU10 LED"), "wattage": between(5, 40, "W"), "dimmable": ("yes", "no")},
    ("warm, even light", "a dimmable bulb", "a weighted base"),
    {
        "style": ("Arc", "Globe", "Tripod", "Pendant", "Mushroom"),
        "item": ("Floor Lamp", "Table Lamp", "Pendant Light", "Desk Lamp"),
    },
    ("black", "white", "beige", "green", "yellow"),
    "tall",
)
DECOR = home(
    "piece",
    ("Casa Verde", "Oakhaven", "Glowform"),
    ("{brand} {style} {item}", "{brand} {item}, Set of {count}"),
    (9, 189),
    {"material": ("ceramic", "glass", "rattan", "linen", "stoneware"), "count": between(2, 4)},
    ("a handmade look", "natural materials", "a calm colour palette"),
    {
        "style": ("Ribbed", "Woven", "Speckled", "Minimal"),
        "item": ("Vase", "Cushion Cover", "Wall Mirror", "Throw Blanket", "Candle Holder", "Planter"),
    },
    ("beige", "white", "green", "pink", "blue"),
    "diamond",
)

FITNESS = home(
    "kit",
    ("Ironclad", "Flexa", "Summit"),
    ("{brand} {item} {weight}", "{brand} {item}"),
    (9, 499),
    {"weight": ("2 kg", "5 kg", "10 kg", "16 kg", "24 kg"), "material": ("cast iron", "neoprene", "rubber", "steel")},
    ("a non-slip grip", "a compact design", "gym-grade durability"),
    {"item": ("Kettlebell", "Adjustable Dumbbells", "Resistance Bands Set", "Pull-Up Bar", "Foam Roller", "Jump Rope")},
    ("black", "red", "blue", "grey"),
    "circle",
)
CYCLING = home(
    "bike accessory",
    ("Velox", "Summit", "Ridgeline"),
    ("{brand} {item}", "{brand} {series} {item}"),
    (15, 1299),
    {"size": ("S", "M", "L", "one size"), "weight": between(150, 12000, "g", 50)},
    ("a lightweight frame", "tool-free fitting", "reflective details"),
    {
        "item": ("Road Bike Helmet", "Bike Lights Set", "Cycling Gloves", "Hybrid Bike", "Bike Lock", "Saddle Bag"),
        "series": ("Aero", "Commuter", "Trail"),
    },
    ("black", "white", "red", "yellow", "blue"),
    "circle",
)
CAMPING = home(
    "camping gear",
    ("Summit", "Trailhead", "Northfold"),
    ("{brand} {item}, {capacity}", "{brand} {series} {item}"),
    (19, 699),
    {
        "capacity": ("1-person", "2-person", "4-person", "35 L", "50 L"),
        "weight": between(300, 4500, "g", 100),
        "season": ("3-season", "4-season"),
    },
    ("a waterproof shell", "a packable design", "quick setup"),
    {
        "item": ("Tent", "Sleeping Bag", "Hiking Backpack", "Camping Stove", "Headlamp"),
        "series": ("Alpine", "Ridge", "Basecamp"),
    },
    ("green", "grey", "yellow", "blue"),
    "triangle",
)
YOGA = home(
    "yoga mat",
    ("Flexa", "Lotus", "Zenfit"),
    ("{brand} {item} {thickness}", "{brand} Eco {item}"),
    (15, 149),
    {
        "thickness": ("3 mm", "4 mm", "6 mm", "8 mm"),
        "material": ("natural rubber", "TPE", "cork", "PVC-free foam"),
        "length": ("173 cm", "183 cm", "200 cm"),
    },
    ("a non-slip surface", "alignment lines", "a carry strap"),
    {"item": ("Yoga Mat", "Yoga Block Set", "Meditation Cushion", "Yoga Strap")},
    ("pink", "green", "blue", "grey", "beige"),
    "wide",
)


def book(genre: str, names: tuple[str, ...], words: dict[str, tuple], price=(7, 45)) -> Kind:
    return Kind(
        noun="book",
        brands=("Harbor House", "Lantern Press", "Quill & Ink", "Meridian Books", "Riverstone"),
        names=names,
        price=price,
        attributes={
            "author": person,
            "pages": between(96, 820),
            "format": ("Paperback", "Hardcover"),
            "language": ("English",),
            "isbn": isbn13,
            "published": between(1998, 2026),
        },
        words=words,
        colors=("navy", "red", "green", "yellow", "beige", "black"),
        shape="tall",
        blurb=(
            "{author}'s {adj2} " + genre + ". {hook} {closing}",
            "A {adj2} " + genre + " from {author}. {hook} {closing}",
        ),
    )


BOOK_HOOKS = (
    "Readers call it impossible to put down.",
    "Now in a new edition with an afterword by the author.",
    "Shortlisted for several prizes.",
    "The perfect companion for a long weekend.",
    "A book club favourite.",
)
FICTION = book(
    "novel",
    ("The {adj} {thing}", "{thing} of {place}", "A {adj} {thing}", "The Last {thing} of {place}"),
    {
        "adj": ("Silent", "Golden", "Hidden", "Lost", "Burning", "Quiet", "Wild"),
        "thing": ("Harbor", "Garden", "Orchard", "Lighthouse", "Letter", "Winter", "River"),
        "place": ("Sorrento", "the North", "Marrow Street", "Avalon", "the Valley"),
    },
)
NONFICTION = book(
    "work of non-fiction",
    ("A Short History of {thing}", "The {adj} Mind", "How {thing} Made the Modern World", "{thing}: A Biography"),
    {
        "adj": ("Curious", "Restless", "Hungry", "Patient"),
        "thing": ("Salt", "Maps", "Time", "Cotton", "Coffee", "Bridges", "Numbers"),
    },
)
SCIFI = book(
    "science-fiction epic",
    ("The {thing} Protocol", "Stars over {place}", "Children of {place}", "The {adj} Fleet"),
    {
        "adj": ("Iron", "Crimson", "Hollow", "Ninth"),
        "thing": ("Helix", "Orbit", "Quantum", "Nebula"),
        "place": ("Kepler", "Titan", "the Void", "Andor"),
    },
)
COOKBOOK = book(
    "cookbook",
    ("{thing}: Recipes from {place}", "The {adj} Kitchen", "Simply {thing}"),
    {
        "adj": ("Weeknight", "Green", "Slow", "Sunday"),
        "thing": ("Bread", "Noodles", "Vegetables", "Baking", "Spice"),
        "place": ("Lisbon", "Oaxaca", "Kyoto", "Sicily"),
    },
)
KIDS_BOOK = book(
    "picture book",
    ("The {adj} {thing}", "{thing} Goes to {place}", "Goodnight, {thing}"),
    {
        "adj": ("Sleepy", "Brave", "Tiny", "Noisy"),
        "thing": ("Dragon", "Bear", "Moon", "Rabbit", "Robot"),
        "place": ("School", "the Sea", "Space"),
    },
    (5, 19),
)


def toy(noun, names, price, attributes, words, shape="square") -> Kind:
    return Kind(
        noun=noun,
        brands=("Playful Planet", "Brickworks", "Tinker Toys", "Meeple & Co."),
        names=names,
        price=price,
        attributes={**attributes, "age": ("3+", "5+", "8+", "10+", "14+")},
        words=words,
        features=("hours of play", "sturdy pieces", "clear instructions", "replay value"),
        colors=("red", "blue", "yellow", "green"),
        shape=shape,
    )


BOARD_GAMES = toy(
    "board game",
    ("{adj} {thing}: The Board Game", "{thing} of {place}", "{adj} {thing}"),
    (12, 89),
    {"players": ("1-4", "2-4", "2-6", "3-8"), "playing_time": ("20 min", "45 min", "60 min", "90 min")},
    {
        "adj": ("Ticket to", "Lost", "Clever", "Tiny", "Epic"),
        "thing": ("Islands", "Railways", "Kingdoms", "Dragons", "Farms"),
        "place": ("Catania", "the Deep", "Avalon"),
    },
    "diamond",
)
BUILDING = toy(
    "building set",
    ("{brand} {thing} Building Set, {pieces} Pieces", "{brand} {adj} {thing} Kit"),
    (9, 249),
    {"pieces": between(80, 3200, "", 20)},
    {
        "adj": ("Creative", "Technic", "City", "Space"),
        "thing": ("Castle", "Space Station", "Fire Truck", "Treehouse", "Race Car"),
    },
)
PUZZLES = toy(
    "puzzle",
    ("{brand} {pieces}-Piece Jigsaw Puzzle: {thing}", "{brand} {thing} Puzzle"),
    (8, 49),
    {"pieces": ("100", "500", "1000", "1500", "2000")},
    {"thing": ("Alpine Lake", "Night Market", "World Map", "Flower Garden", "Starry Sky")},
)
FIGURES = toy(
    "toy",
    ("{brand} {adj} {thing} Action Figure", "{brand} {thing} Plush Toy"),
    (7, 69),
    {"height": ("15 cm", "20 cm", "30 cm")},
    {"adj": ("Galactic", "Jungle", "Ninja", "Knight"), "thing": ("Ranger", "Dinosaur", "Unicorn", "Robot", "Pilot")},
    "tall",
)


def beauty(noun, names, price, attributes, words, colors=("pink", "white", "beige", "green")) -> Kind:
    return Kind(
        noun=noun,
        brands=("Glow", "Velvet", "Botanica", "Lumière", "Pure Skin"),
        names=names,
        price=price,
        attributes=attributes,
        words=words,
        features=("gentle, vegan ingredients", "no added fragrance", "dermatologist testing", "a recyclable bottle"),
        colors=colors,
        shape="tall",
    )


SKINCARE = beauty(
    "skincare product",
    ("{brand} {active} {item} {volume}", "{brand} {item} for {skin} Skin"),
    (8, 89),
    {
        "volume": ("30 ml", "50 ml", "100 ml", "200 ml"),
        "skin": ("Dry", "Oily", "Sensitive", "All"),
        "active": ("Hyaluronic", "Vitamin C", "Niacinamide", "Retinol", "Ceramide"),
    },
    {"item": ("Moisturizer", "Serum", "Cleanser", "Night Cream", "Sunscreen SPF 50", "Toner")},
)
MAKEUP = beauty(
    "make-up",
    ("{brand} {item}, Shade {shade}", "{brand} Long-Wear {item}"),
    (6, 59),
    {"shade": between(1, 40), "finish": ("matte", "satin", "dewy", "shimmer")},
    {"item": ("Lipstick", "Foundation", "Mascara", "Eyeshadow Palette", "Concealer", "Blush")},
    ("red", "pink", "beige", "brown"),
)
FRAGRANCE = beauty(
    "fragrance",
    ("{brand} {note} Eau de Parfum {volume}", "{brand} {note} Eau de Toilette"),
    (19, 179),
    {
        "volume": ("30 ml", "50 ml", "100 ml"),
        "notes": ("citrus, vetiver", "rose, oud", "vanilla, amber", "sea salt, sage", "fig, cedar"),
    },
    {"note": ("Noir", "Bloom", "Cedar", "Azure", "Velours")},
    ("yellow", "pink", "black", "blue"),
)
HAIR = beauty(
    "hair care product",
    ("{brand} {active} {item} {volume}", "{brand} {item} for {hair} Hair"),
    (5, 49),
    {
        "volume": ("250 ml", "400 ml", "1 L"),
        "hair": ("Curly", "Fine", "Coloured", "Dry", "All"),
        "active": ("Argan Oil", "Keratin", "Tea Tree", "Rice Protein"),
    },
    {"item": ("Shampoo", "Conditioner", "Hair Mask", "Styling Cream", "Hair Oil")},
)


@dataclass(frozen=True)
class Node:
    """A category: a leaf carries the kind of product it holds and its share of the products."""

    name: str
    slug: str
    description: str = ""
    children: tuple[Node, ...] = ()
    kind: Kind | None = None
    weight: float = 0.0


def leaf(name: str, slug: str, kind: Kind, weight: float) -> Node:
    return Node(name, slug, kind=kind, weight=weight)


TREE = (
    Node(
        "Electronics",
        "electronics",
        "Phones, computers, audio and cameras.",
        (
            leaf("Phones", "phones", PHONE, 3),
            leaf("Laptops", "laptops", LAPTOP, 2.5),
            leaf("Tablets", "tablets", TABLET, 1),
            leaf("Headphones", "headphones", HEADPHONES, 3),
            leaf("Cameras", "cameras", CAMERA, 1),
            leaf("Smartwatches", "smartwatches", WATCH, 1),
            leaf("TVs", "tvs", TV, 1),
            leaf("Speakers", "speakers", SPEAKER, 1.5),
        ),
    ),
    Node(
        "Clothing",
        "clothing",
        "Everyday clothing for men, women and kids.",
        (
            Node(
                "Men",
                "men",
                children=(
                    leaf("T-shirts", "men-t-shirts", MEN_TSHIRT, 1.6),
                    leaf("Shirts", "men-shirts", MEN_SHIRT, 1.2),
                    leaf("Jeans", "men-jeans", MEN_JEANS, 1.2),
                    leaf("Jackets", "men-jackets", MEN_JACKET, 1),
                    leaf("Hoodies", "men-hoodies", MEN_HOODIE, 1),
                ),
            ),
            Node(
                "Women",
                "women",
                children=(
                    leaf("Dresses", "women-dresses", WOMEN_DRESS, 1.8),
                    leaf("Tops & T-shirts", "women-tops", WOMEN_TOP, 1.6),
                    leaf("Jeans", "women-jeans", WOMEN_JEANS, 1.2),
                    leaf("Sweaters", "women-sweaters", WOMEN_SWEATER, 1),
                ),
            ),
            Node(
                "Kids",
                "kids",
                children=(
                    leaf("T-shirts", "kids-t-shirts", KIDS_TOP, 0.8),
                    leaf("Pyjamas", "kids-pyjamas", KIDS_PYJAMAS, 0.5),
                ),
            ),
        ),
    ),
    Node(
        "Shoes",
        "shoes",
        "Running shoes, boots and everything between.",
        (
            leaf("Running", "running-shoes", RUNNING, 1.6),
            leaf("Boots", "boots", BOOTS, 1.2),
            leaf("Sneakers", "sneakers", SNEAKERS, 1.6),
            leaf("Sandals", "sandals", SANDALS, 0.8),
            leaf("Formal shoes", "formal-shoes", FORMAL, 0.8),
        ),
    ),
    Node(
        "Home & Kitchen",
        "home-kitchen",
        "Cook, sleep and live well at home.",
        (
            Node(
                "Kitchen",
                "kitchen",
                children=(
                    leaf("Cookware", "cookware", COOKWARE, 2),
                    leaf("Small appliances", "small-appliances", APPLIANCE, 2),
                    leaf("Knives", "knives", KNIVES, 1),
                ),
            ),
            leaf("Furniture", "furniture", FURNITURE, 2),
            leaf("Bedding", "bedding", BEDDING, 1.5),
            leaf("Lighting", "lighting", LIGHTING, 1.5),
            leaf("Decor", "decor", DECOR, 2),
        ),
    ),
    Node(
        "Sports & Outdoors",
        "sports-outdoors",
        "Gear for training, riding and camping.",
        (
            leaf("Fitness", "fitness", FITNESS, 2),
            leaf("Cycling", "cycling", CYCLING, 1.5),
            leaf("Camping", "camping", CAMPING, 1.5),
            leaf("Yoga", "yoga", YOGA, 1.2),
        ),
    ),
    Node(
        "Books",
        "books",
        "Stories, ideas and recipes.",
        (
            leaf("Fiction", "fiction", FICTION, 4),
            leaf("Non-fiction", "non-fiction", NONFICTION, 3),
            leaf("Sci-fi & Fantasy", "sci-fi-fantasy", SCIFI, 2),
            leaf("Cookbooks", "cookbooks", COOKBOOK, 1.5),
            leaf("Children's books", "childrens-books", KIDS_BOOK, 2),
        ),
    ),
    Node(
        "Toys & Games",
        "toys-games",
        "Games and toys for every age.",
        (
            leaf("Board games", "board-games", BOARD_GAMES, 2),
            leaf("Building sets", "building-sets", BUILDING, 2),
            leaf("Puzzles", "puzzles", PUZZLES, 1.2),
            leaf("Action figures & plush", "action-figures", FIGURES, 1.2),
        ),
    ),
    Node(
        "Beauty",
        "beauty",
        "Skincare, make-up, fragrance and hair care.",
        (
            leaf("Skincare", "skincare", SKINCARE, 2.5),
            leaf("Make-up", "makeup", MAKEUP, 2),
            leaf("Fragrance", "fragrance", FRAGRANCE, 1.5),
            leaf("Hair care", "hair-care", HAIR, 1.5),
        ),
    ),
)

REVIEW_TITLES = {
    5: ("Love it", "Exactly as described", "Best {noun} I've owned", "Great value", "Highly recommend", "Five stars"),
    4: ("Very good", "Happy with it", "Solid {noun}", "Good, not perfect", "Would buy again"),
    3: ("It's okay", "Does the job", "Mixed feelings", "Average {noun}"),
    2: ("Disappointed", "Not as pictured", "Expected more"),
    1: ("Stopped working", "Would not recommend", "Poor quality"),
}
REVIEW_BODIES = {
    5: (
        "I've had this {noun} for {weeks} weeks and it's been perfect. {praise}",
        "Arrived quickly and well packed. {praise} Worth every penny.",
        "Bought it as a gift and ended up ordering a second one for myself. {praise}",
    ),
    4: (
        "Really nice {noun}. {praise} Only wish it came in more colours.",
        "Good quality for the price. {praise} Delivery took a little longer than expected.",
    ),
    3: (
        "It's fine. {praise} But it's not as sturdy as I hoped.",
        "Does what it says, nothing more. Returned once for a different size.",
    ),
    2: ("The {noun} looks cheaper than in the photos. Customer service was helpful though.",),
    1: ("Broke after {weeks} weeks of normal use. Sent it back.",),
}
PRAISE = (
    "The quality is excellent.",
    "Feels premium.",
    "Very comfortable.",
    "Works exactly as advertised.",
    "Great design.",
    "The colour is lovely in person.",
)
