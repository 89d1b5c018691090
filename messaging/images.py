"""Chat images: validated and re-encoded by accounts.images, stored under random names with a
thumbnail for the history view, and served only to the chat's members (messaging.media)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from accounts.images import clean_image_with_thumbnail
from chaat.errors import Invalid
from messaging.models import Message

THUMBNAIL_SIDE = 480


def attach_image(message: Message, upload: Any) -> None:
    """Store `upload` as the message's image (and thumbnail), recording its size. The files are
    written now: the caller erases them if the message is not saved. Raises Invalid (no file),
    TooLarge (413, over IMAGE_MAX_BYTES) or InvalidImage (400: not PNG/JPEG/GIF/WebP, over
    IMAGE_MAX_PIXELS, a decompression bomb or a broken file)."""
    if upload is None:
        raise Invalid(fields={"image": [_("Choose an image to send.")]})
    image, thumbnail = clean_image_with_thumbnail(upload, max_bytes=settings.IMAGE_MAX_BYTES,
                                                  thumb_side=THUMBNAIL_SIDE)
    message.image.save(image.content.name, image.content, save=False)
    message.thumbnail.save(thumbnail.content.name, thumbnail.content, save=False)
    message.image_width, message.image_height = image.width, image.height
