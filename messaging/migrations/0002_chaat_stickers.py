"""Load the built-in "chaat" sticker pack (PNGs drawn by messaging/stickers/draw.py)."""

from django.db import migrations

STICKERS = [
    ("chaat-smile", "Smile"),
    ("chaat-laugh", "Laugh"),
    ("chaat-wink", "Wink"),
    ("chaat-love", "Love"),
    ("chaat-heart", "Heart"),
    ("chaat-thumbs-up", "Thumbs up"),
    ("chaat-star", "Star"),
    ("chaat-sad", "Sad"),
    ("chaat-wow", "Wow"),
    ("chaat-cool", "Cool"),
    ("chaat-sleepy", "Sleepy"),
    ("chaat-party", "Party"),
    ("chaat-coffee", "Coffee"),
    ("chaat-rainbow", "Rainbow"),
]


def load(apps, schema_editor):
    Sticker = apps.get_model("messaging", "Sticker")
    for position, (sticker_id, name) in enumerate(STICKERS):
        Sticker.objects.update_or_create(id=sticker_id, defaults={"pack": "chaat", "name": name, "position": position})


def unload(apps, schema_editor):
    apps.get_model("messaging", "Sticker").objects.filter(id__in=[s[0] for s in STICKERS]).delete()


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
