"""Demo product pictures: a pool of generated images, one per category and colour, shared by products.

Each picture is a soft gradient in the colour, a simple shape for the kind of product and the
category's name, drawn with Pillow (800 x 800 JPEG) with a WebP thumbnail of the size uploads get.
They are stored through Django's default storage, so they land wherever media go.
"""

from __future__ import annotations

from functools import cache
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageChops, ImageDraw, ImageFont

from catalog.images import THUMBNAIL_SIZE

SIZE = 800
FOLDER = "demo"


def picture_names(category_slug: str, color: str) -> tuple[str, str]:
    """Storage names of the pooled picture and its thumbnail."""
    return f"{FOLDER}/{category_slug}-{color}.jpg", f"{FOLDER}/{category_slug}-{color}-thumb.webp"


def _mix(rgb: tuple[int, int, int], other: tuple[int, int, int], share: float) -> tuple[int, int, int]:
    return tuple(round(a * (1 - share) + b * share) for a, b in zip(rgb, other, strict=True))


def _shape_box(shape: str) -> tuple[int, int, int, int]:
    c = SIZE // 2
    half_w, half_h = {"tall": (150, 250), "wide": (280, 160), "square": (210, 210)}.get(shape, (220, 220))
    return c - half_w, c - half_h - 40, c + half_w, c + half_h - 40


@cache
def _diagonal() -> Image.Image:
    """A 256 px mask from 0 (top left) to 255 (bottom right)."""
    down = Image.linear_gradient("L")
    return ImageChops.add(down, down.transpose(Image.Transpose.ROTATE_90), scale=2)


@cache
def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow without FreeType: the small bitmap font
        return ImageFont.load_default()


def draw_picture(*, label: str, rgb: tuple[int, int, int], shape: str) -> Image.Image:
    """One picture: a gradient in the colour, the shape and the label."""
    white, black = (255, 255, 255), (0, 0, 0)
    light, mid = _mix(rgb, white, 0.86), _mix(rgb, white, 0.6)
    small = _diagonal()
    background = Image.composite(Image.new("RGB", small.size, mid), Image.new("RGB", small.size, light), small)
    image = background.resize((SIZE, SIZE), Image.Resampling.BILINEAR)  # a smooth gradient is cheap to enlarge
    draw = ImageDraw.Draw(image)
    box = _shape_box(shape)
    body, edge = _mix(rgb, black, 0.05), _mix(rgb, black, 0.35)
    left, top, right, bottom = box
    draw.ellipse((left + 20, bottom + 10, right - 20, bottom + 50), fill=_mix(mid, black, 0.12))  # shadow
    if shape == "circle":
        draw.ellipse(box, fill=body, outline=edge, width=8)
        inset = (right - left) // 4
        draw.ellipse((left + inset, top + inset, right - inset, bottom - inset), outline=_mix(rgb, white, 0.3), width=6)
    elif shape == "triangle":
        draw.polygon([((left + right) // 2, top), (right, bottom), (left, bottom)], fill=body, outline=edge, width=8)
    elif shape == "diamond":
        cx, cy = (left + right) // 2, (top + bottom) // 2
        draw.polygon([(cx, top), (right, cy), (cx, bottom), (left, cy)], fill=body, outline=edge, width=8)
    else:
        draw.rounded_rectangle(box, radius=36, fill=body, outline=edge, width=8)
        draw.rounded_rectangle(
            (left + 40, top + 40, right - 40, top + 80), radius=20, fill=_mix(rgb, white, 0.35), outline=None
        )
    font = _font(46)
    text_width = draw.textlength(label, font=font)
    draw.text(((SIZE - text_width) / 2, SIZE - 130), label, fill=_mix(rgb, black, 0.55), font=font)
    return image


def _encoded(image: Image.Image, **options) -> ContentFile:
    out = BytesIO()
    image.save(out, **options)
    return ContentFile(out.getvalue())


def ensure_picture(category_slug: str, color: str, *, label: str, rgb: tuple[int, int, int], shape: str) -> bool:
    """Store the pooled picture (and thumbnail) of a category and colour unless it is there; True if made."""
    image_name, thumb_name = picture_names(category_slug, color)
    if default_storage.exists(image_name) and default_storage.exists(thumb_name):
        return False
    picture = draw_picture(label=label, rgb=rgb, shape=shape)
    thumbnail = picture.reduce(SIZE // THUMBNAIL_SIZE[0])  # 400 x 400, as an upload's would be at most
    for name in (image_name, thumb_name):
        if default_storage.exists(name):  # half of a pair from an interrupted run
            default_storage.delete(name)
    default_storage.save(image_name, _encoded(picture, format="JPEG", quality=84))
    # Like an upload's thumbnail (WebP within 400 px), encoded with less effort: there are hundreds.
    default_storage.save(thumb_name, _encoded(thumbnail, format="WEBP", quality=82, method=1))
    return True
