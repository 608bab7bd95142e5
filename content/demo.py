"""Demo content for `seed_demo`: a media library, the next two weeks' posts and drafts waiting
for approval, made through the same services the composer and the approvals page use.

- nine images drawn with Pillow (nothing downloaded), each with alt text, source and licence;
- about sixteen scheduled posts over the next fourteen days, across the five demo accounts,
  at the hours the team usually posts, some with an image;
- three drafts waiting for approval: two submitted, one sent back with a reviewer's comment.

Idempotent: an organisation whose media library is not empty is left alone.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

SIZE = (1200, 900)
ESPRESSO, CREAM, CARAMEL, FOAM = (59, 36, 24), (244, 236, 222), (196, 128, 64), (250, 246, 240)

# (file name, drawing, alt text, licence, source, attribution, folder, tags)
IMAGES = [
    ("flat-white.jpg", "cup", "A flat white with a latte-art heart in a white cup on a saucer, "
     "seen from above on a cream table.", "Own work", "", "", "Drinks", "flat white, latte art"),
    ("beans.jpg", "beans", "Freshly roasted coffee beans scattered on light linen.",
     "Own work", "", "", "Beans", "beans, roasting"),
    ("pour-over.jpg", "pourover", "A glass pour-over dripper on a carafe, a kettle beside it.",
     "CC BY 4.0", "https://acme.example/press", "Photo: Jana Roth / Acme Coffee", "Brewing",
     "pour-over, brewing tips"),
    ("cold-brew.jpg", "coldbrew", "A tall glass of cold brew with ice cubes and a paper straw.",
     "Own work", "", "", "Drinks", "cold brew, summer"),
    ("autumn-blend.jpg", "bag", "A kraft-paper coffee bag labelled Autumn Blend, 250 g.",
     "Own work", "", "", "Products", "autumn blend, shop"),
    ("kreuzberg-shop.jpg", "shop", "The front of the Acme Coffee shop in Kreuzberg with a "
     "striped awning and a bench outside.", "CC BY 4.0", "https://acme.example/press",
     "Photo: Malik Osei / Acme Coffee", "Shops", "Kreuzberg, shop"),
    ("roaster.jpg", "roaster", "The drum roaster at the Hamburg roastery, cooling tray in front.",
     "CC0 1.0", "https://acme.example/press", "", "Roastery", "roastery, behind the scenes"),
    ("hiring.jpg", "hiring", "A poster with the words We are hiring and a barista apron.",
     "Own work", "", "", "Hiring", "hiring, jobs"),
    ("grinder.jpg", "grinder", "The Acme travel grinder next to a small pile of beans.",
     "Own work", "", "", "Products", "grinder, shop"),
]

UPCOMING = [
    ("Autumn blend", "Our autumn blend is back this Friday: cocoa, cherry and a long, sweet "
     "finish. Pre-order now: https://acme.example/autumn", "autumn-blend.jpg", (0, 1, 4)),
    ("Brewing tips", "Pour-over tip of the week: bloom for 45 seconds and pour in slow circles. "
     "What is your ratio?", "pour-over.jpg", (0, 1)),
    ("Behind the scenes", "A morning at the Hamburg roastery: 300 kg of green coffee, one drum "
     "and a lot of tasting.", "roaster.jpg", (0, 3, 4)),
    ("Hiring", "We are hiring a head barista for our Leipzig pop-up. Full time, fair pay, free "
     "coffee for life: https://acme.example/jobs", "hiring.jpg", (3,)),
    ("Brewing tips", "Cold brew in three steps: coarse grind, cold water, 16 hours of patience. "
     "Full recipe on our blog.", "cold-brew.jpg", (0, 1, 2)),
    ("Behind the scenes", "Meet Jana, our head roaster, who tastes every single batch before it "
     "leaves the building.", "", (0, 3)),
    ("Autumn blend", "Ein Herbst in der Tasse: Unsere Herbstmischung ist ab Freitag wieder da.",
     "", (0, 1)),
    ("", "Saturday cupping at the Kreuzberg shop: six coffees, one favourite. 11 o'clock, free "
     "entry, no booking needed.", "kreuzberg-shop.jpg", (0, 1, 4, 5)),
    ("Brewing tips", "Your espresso tastes bitter? Try a coarser grind and a shorter shot before "
     "you blame the beans.", "", (0, 2, 5)),
    ("", "Support hours over the holidays: we answer every day from 9 to 17, also on Sundays.",
     "", (2,)),
    ("Hiring", "Five things our baristas love about working at Acme, told by the team itself.",
     "", (3,)),
    ("", "New in the shop: the Acme travel grinder, 38 steps and small enough for any bag.",
     "grinder.jpg", (0, 1, 4)),
    ("Behind the scenes", "Why we roast lighter in autumn, and why you will taste the "
     "difference.", "beans.jpg", (0, 3)),
    ("", "Latte art Friday: show us your best heart, tulip or rosetta and tag us.",
     "flat-white.jpg", (4, 1, 5)),
    ("Autumn blend", "Last call for the autumn blend subscription: order by Sunday for the "
     "first delivery next week.", "", (0, 1, 2)),
    ("", "Danke für 1.000 Bewertungen im Onlineshop! Zur Feier gibt es am Montag 10 % auf alles.",
     "", (0, 4)),
]
SLOTS = (8, 9, 10, 12, 17, 18, 19)

DRAFTS = [
    ("Holiday gift box", "Our holiday gift box is here: three coffees, a cupping spoon and a "
     "handwritten card. Order by 18 December for delivery before Christmas.", (0, 1, 4), None),
    ("Price change", "From January our 250 g bags cost 50 cents more. Here is what changed "
     "for our growers, and why we think it is fair.", (0, 3), None),
    ("Cold brew concentrate", "The best cold brew in town, now as a concentrate. Nobody makes "
     "it better!", (0, 1, 2),
     "Please drop the \"best in town\" claim, we cannot prove it. Could we say what makes it "
     "different (16 hours, single origin) and add the price?"),
]


def seed(org, users) -> None:
    from accounts.models import ConnectedAccount
    from accounts.roles import Role
    from content.models import MediaAsset

    accounts = list(ConnectedAccount.objects.for_org(org).connected().filter(provider="sandbox")
                    .order_by("pk"))
    if not accounts or MediaAsset.objects.for_org(org).exists():
        return
    editor = users.get(Role.EDITOR) or users[Role.OWNER]
    media = _media(org, editor)
    upcoming = _upcoming(org, users[Role.OWNER], editor, accounts, media)
    drafts = _drafts(org, users, editor, accounts)
    print(f"  content: {len(media)} images, {upcoming} upcoming posts, {drafts} drafts in review")


def reset(org):
    """Before `seed_demo --reset` deletes the organisation: delete its posts (their attachments
    protect the media rows); returns what removes the media files after the commit."""
    from content.models import MediaAsset, Post

    files = []
    for asset in MediaAsset.objects.for_org(org).prefetch_related("renditions"):
        files.append(asset.file)
        files.extend(r.file for r in asset.renditions.all())
    Post.objects.for_org(org).delete()

    def remove_files() -> None:
        for stored in files:
            if stored:
                stored.storage.delete(stored.name)

    return remove_files


def draw(kind: str, seed: int = 0) -> bytes:
    """One illustration as a JPEG: a warm background with a simple scene drawn on it."""
    rng = random.Random(f"{kind}-{seed}")
    image = Image.new("RGB", SIZE, CREAM)
    d = ImageDraw.Draw(image)
    w, h = SIZE
    for y in range(h):  # a soft vertical gradient
        shade = int(18 * y / h)
        d.line([(0, y), (w, y)], fill=(244 - shade, 236 - shade, 222 - shade))
    font = ImageFont.load_default(size=64)
    small = ImageFont.load_default(size=40)
    if kind == "cup":
        d.ellipse((300, 150, 900, 750), fill=(255, 255, 255), outline=(220, 210, 200), width=6)
        d.ellipse((420, 270, 780, 630), fill=CARAMEL)
        d.ellipse((860, 380, 960, 520), outline=(255, 255, 255), width=26)
        d.polygon([(600, 560), (500, 420), (540, 360), (600, 400), (660, 360), (700, 420)],
                  fill=FOAM)
    elif kind == "beans":
        for _ in range(70):
            x, y = rng.randint(40, w - 120), rng.randint(40, h - 90)
            colour = (ESPRESSO[0] + rng.randint(0, 40), ESPRESSO[1] + rng.randint(0, 25), 20)
            d.ellipse((x, y, x + 90, y + 62), fill=colour)
            d.arc((x + 20, y + 8, x + 70, y + 54), 100, 260, fill=(30, 18, 10), width=5)
    elif kind == "pourover":
        d.rectangle((430, 520, 770, 800), fill=(210, 230, 240), outline=(150, 170, 180), width=5)
        d.polygon([(380, 300), (820, 300), (650, 520), (550, 520)], fill=(235, 245, 250),
                  outline=(150, 170, 180))
        d.rectangle((440, 660, 760, 795), fill=ESPRESSO)
        d.rectangle((880, 440, 1060, 800), fill=(60, 60, 66))
        d.line([(880, 500), (760, 360)], fill=(60, 60, 66), width=22)
    elif kind == "coldbrew":
        d.rectangle((450, 180, 750, 820), fill=(120, 72, 40), outline=(200, 200, 210), width=8)
        for i in range(5):
            x, y = 480 + (i % 2) * 120, 220 + i * 90
            d.rectangle((x, y, x + 110, y + 80), fill=(220, 235, 245))
        d.line([(640, 80), (680, 500)], fill=(230, 90, 80), width=18)
    elif kind == "bag":
        d.polygon([(400, 160), (800, 160), (860, 820), (340, 820)], fill=(190, 150, 100))
        d.rectangle((430, 380, 770, 620), fill=(250, 244, 230))
        d.text((600, 460), "Autumn Blend", font=small, fill=ESPRESSO, anchor="mm")
        d.text((600, 540), "250 g", font=small, fill=CARAMEL, anchor="mm")
    elif kind == "shop":
        d.rectangle((160, 200, 1040, 820), fill=(80, 110, 100))
        for i in range(11):
            colour = (250, 246, 240) if i % 2 else (200, 70, 60)
            d.polygon([(160 + i * 80, 300), (240 + i * 80, 300), (240 + i * 80, 380),
                       (160 + i * 80, 380)], fill=colour)
        d.text((600, 250), "ACME COFFEE", font=font, fill=(250, 246, 240), anchor="mm")
        d.rectangle((260, 440, 560, 820), fill=(200, 220, 225))
        d.rectangle((660, 440, 940, 700), fill=(200, 220, 225))
        d.rectangle((640, 760, 980, 790), fill=(120, 80, 50))
    elif kind == "roaster":
        d.ellipse((300, 220, 760, 680), fill=(90, 90, 96), outline=(40, 40, 44), width=10)
        d.ellipse((430, 350, 630, 550), fill=(200, 150, 60))
        d.rectangle((760, 380, 1000, 440), fill=(70, 70, 76))
        d.ellipse((240, 640, 900, 840), fill=(140, 140, 146))
        for _ in range(40):
            x, y = rng.randint(330, 800), rng.randint(680, 790)
            d.ellipse((x, y, x + 28, y + 18), fill=ESPRESSO)
    elif kind == "hiring":
        d.rectangle((200, 120, 1000, 780), fill=(250, 246, 240), outline=ESPRESSO, width=8)
        d.text((600, 260), "We are hiring", font=font, fill=ESPRESSO, anchor="mm")
        d.polygon([(480, 380), (720, 380), (780, 700), (420, 700)], fill=(60, 90, 140))
        d.line([(480, 380), (540, 330), (660, 330), (720, 380)], fill=(60, 90, 140), width=14)
        d.text((600, 740), "acme.example/jobs", font=small, fill=CARAMEL, anchor="mm")
    elif kind == "grinder":
        d.rectangle((470, 220, 650, 760), fill=(170, 170, 178), outline=(90, 90, 96), width=6)
        d.rectangle((470, 220, 650, 300), fill=(90, 90, 96))
        d.line([(560, 220), (560, 140), (760, 140)], fill=(60, 60, 66), width=16)
        d.ellipse((740, 120, 800, 180), fill=ESPRESSO)
        for _ in range(25):
            x, y = rng.randint(700, 1000), rng.randint(640, 780)
            d.ellipse((x, y, x + 40, y + 28), fill=ESPRESSO)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82)
    return out.getvalue()


def _media(org, actor) -> dict:
    from content.services.media import media_upload

    assets = {}
    for n, (name, kind, alt, licence, source, attribution, folder, tags) in enumerate(IMAGES):
        upload = SimpleUploadedFile(name, draw(kind, n), content_type="image/jpeg")
        assets[name] = media_upload(organization=org, actor=actor, upload=upload, alt_text=alt,
                                    source=source, licence=licence, attribution=attribution,
                                    folder=folder, tags=tags, own_work=licence == "Own work")
    return assets


def _labels(org) -> dict:
    from analytics.demo import LABELS
    from content.models import Label

    return {name: Label.objects.get_or_create(organization=org, name=name,
                                              defaults={"colour": colour})[0]
            for name, colour in LABELS}


def _upcoming(org, owner, editor, accounts, media) -> int:
    from content.services.posts import PostData, post_create
    from content.services.workflow import post_schedule

    tz = ZoneInfo(org.timezone)
    today = timezone.now().astimezone(tz).date()
    labels = _labels(org)
    rng = random.Random(f"{org.slug}-upcoming")
    for n, (label, text, image, picks) in enumerate(UPCOMING):
        day = today + dt.timedelta(days=1 + (n * 13) // len(UPCOMING))
        at = dt.datetime(day.year, day.month, day.day, SLOTS[(n * 3) % len(SLOTS)],
                         rng.choice((0, 15, 30, 45)), tzinfo=tz)
        chosen = [accounts[i % len(accounts)].pk for i in picks]
        asset = media.get(image)
        data = PostData(text=text, account_ids=list(dict.fromkeys(chosen)),
                        media=[(asset.pk, asset.alt_text)] if asset else [],
                        label_ids=[labels[label].pk] if label else [], timezone=org.timezone)
        post = post_create(organization=org, actor=editor, data=data)
        post_schedule(post=post, actor=owner, scheduled_at=at)
    return len(UPCOMING)


def _drafts(org, users, editor, accounts) -> int:
    from accounts.roles import Role
    from content.services.posts import PostData, post_create
    from content.services.workflow import post_request_changes, post_submit

    approver = users.get(Role.APPROVER) or users[Role.OWNER]
    for title, text, picks, change_request in DRAFTS:
        data = PostData(title=title, text=text, timezone=org.timezone,
                        account_ids=list(dict.fromkeys(accounts[i % len(accounts)].pk
                                                       for i in picks)))
        post = post_create(organization=org, actor=editor, data=data)
        post_submit(post=post, actor=editor)
        if change_request:
            post_request_changes(post=post, actor=approver, comment=change_request)
    return len(DRAFTS)
