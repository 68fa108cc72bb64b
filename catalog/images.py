"""Product pictures: checking that an upload is an image, and making its thumbnail with Pillow."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
import warnings

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from catalog.errors import InvalidImage

THUMBNAIL_SIZE = (400, 400)
FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
MAX_PIXELS = 40_000_000  # larger pictures are refused rather than decoded
MAX_BYTES = 10 * 1024 * 1024  # the largest upload the API and the seller's pages accept


@dataclass(frozen=True)
class CheckedImage:
    format: str
    extension: str
    width: int
    height: int


def check_image(file) -> CheckedImage:
    """What the upload is; raises InvalidImage for anything but a readable JPEG, PNG, GIF or WebP."""
    try:
        file.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                image.verify()
                found = CheckedImage(image.format or "", FORMATS.get(image.format or "", ""), *image.size)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombWarning) as exc:
        raise InvalidImage() from exc
    except Image.DecompressionBombError as exc:
        raise InvalidImage("This image is too large.") from exc
    finally:
        file.seek(0)
    if not found.extension:
        raise InvalidImage()
    if found.width * found.height > MAX_PIXELS:
        raise InvalidImage("This image is too large.")
    return found


def make_thumbnail(file) -> ContentFile:
    """A WebP copy that fits in 400x400 px, turned upright by its EXIF orientation."""
    file.seek(0)
    with Image.open(file) as image:
        image = ImageOps.exif_transpose(image)
        image.thumbnail(THUMBNAIL_SIZE)
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
        out = BytesIO()
        image.save(out, format="WEBP", quality=82, method=4)
    file.seek(0)
    return ContentFile(out.getvalue())
