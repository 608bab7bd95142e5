"""What people on a social network say to a coffee roaster: questions, praise, complaints and
spam, in English and German, each a real sentence built from varied parts (no Django; used by
the sandbox network's activity and by the demo seeder).

`Phrasebook` hands out sentences without ever repeating one, so a demo inbox reads like real
people writing, not like a loop. The same seed gives the same sentences in the same order.
"""

from __future__ import annotations

import random

KINDS = ("question", "praise", "complaint", "spam")

PEOPLE = [
    ("lena", "fediverse.example", "Lena Hoffmann"), ("marco", "social.example", "Marco Rossi"),
    ("aiko", "mastodon.example", "Aiko Tanaka"), ("sam", "toot.example", "Sam O'Brien"),
    ("fatima", "fediverse.example", "Fatima Zahra"), ("jonas", "social.example", "Jonas Weber"),
    ("priya", "mastodon.example", "Priya Natarajan"), ("olu", "toot.example", "Olu Adeyemi"),
    ("katrin", "norden.example", "Katrin Schulz"), ("tobias", "social.example", "Tobias Brandt"),
    ("mia", "fediverse.example", "Mia Johansson"), ("yusuf", "toot.example", "Yusuf Demir"),
    ("clara", "mastodon.example", "Clara Neumann"), ("david", "social.example", "David Chen"),
    ("sophie", "norden.example", "Sophie Martin"), ("felix", "fediverse.example", "Felix Braun"),
    ("hannah", "toot.example", "Hannah Keller"), ("lukas", "mastodon.example", "Lukas Wagner"),
    ("emma", "social.example", "Emma Fischer"), ("noah", "norden.example", "Noah Becker"),
    ("anja", "fediverse.example", "Anja Richter"), ("ben", "toot.example", "Ben Carter"),
    ("ines", "mastodon.example", "Inês Costa"), ("paul", "social.example", "Paul Zimmermann"),
    ("zoe", "norden.example", "Zoë Hartmann"), ("omar", "fediverse.example", "Omar Haddad"),
    ("julia", "toot.example", "Julia Krause"), ("leon", "mastodon.example", "Leon Schäfer"),
    ("grace", "social.example", "Grace Liu"), ("nina", "norden.example", "Nina Vogel"),
    ("ella", "fediverse.example", "Ella Morgan"), ("kai", "toot.example", "Kai Lehmann"),
    ("sara", "mastodon.example", "Sara Lindqvist"), ("max", "social.example", "Max Köhler"),
    ("amira", "norden.example", "Amira Nasser"), ("tim", "fediverse.example", "Tim Walsh"),
]
SPAMMERS = [
    ("growfast", "promo.example", "Grow Fast Media"), ("cryptoking", "promo.example",
                                                       "Crypto King Deals"),
    ("followboost", "promo.example", "Follow Boost"), ("luxwatch", "promo.example",
                                                       "Lux Watch Outlet"),
]

EN = {
    "product": ["the autumn blend", "the Guji single origin", "the house decaf",
                "the cold brew concentrate", "the espresso subscription", "the travel grinder",
                "the Colombia Huila", "the gift box", "the oat flat white", "the filter blend",
                "the Kenya AA", "the moka pot set"],
    "place": ["the Kreuzberg shop", "the Hamburg roastery", "your Munich café",
              "the online shop", "the station kiosk", "the Leipzig pop-up"],
    "time": ["on Sunday", "this Saturday", "on public holidays", "before 8 in the morning",
             "over Christmas", "next week"],
    "question": [
        "Do you still have {product} in stock at {place}?",
        "Is {place} open {time}?",
        "Can I order {product} for delivery to Austria?",
        "How long does {product} keep once the bag is open?",
        "Which grind size would you recommend for {product} in a French press?",
        "Will {product} be back {time}, or is it gone for the season?",
        "Could I pick up my online order at {place} {time}?",
        "Is {product} roasted light enough for pour-over?",
        "Do you offer {product} in a 1 kg bag for offices?",
        "Is there a student discount on {product}?",
    ],
    "praise": [
        "Just tried {product} and it is the best cup I have had all year.",
        "The team at {place} made my morning with a perfect flat white.",
        "{product} arrived two days early and smells amazing.",
        "Thank you for the brewing tips, my pour-over finally tastes like yours.",
        "Got {product} as a present and now the whole office wants some.",
        "Lovely chat with your barista at {place} about {product}.",
        "Your post about the growers behind {product} was a great read.",
        "Switched to {product} last month and I am not going back.",
    ],
    "complaint": [
        "My order of {product} still has not arrived after nine days.",
        "{place} was closed {time} even though the website said open.",
        "The bag of {product} I got was stale, the roast date was in August.",
        "I was charged twice for {product}, who can help me with a refund?",
        "The queue at {place} took forty minutes and nobody explained why.",
        "The lid of {product} broke on the first day.",
        "Your newsletter unsubscribe link leads to an error page.",
        "The price of {product} went up again without any notice.",
    ],
    "spam": [
        "Boost your followers by 10k in one week, send us a DM for the price list!",
        "Limited offer: designer watches at 90% off, link in our profile.",
        "Get verified today, no questions asked, just message us.",
        "We can triple your engagement overnight with our proven growth service.",
    ],
    "opener": ["", "", "Hi, ", "Hello there, ", "Hey team, ", "Good morning, "],
    "question_opener": ["Quick question: ", "Sorry to bother you, but "],
}
DE = {
    "product": ["die Herbstmischung", "den Guji Single Origin", "den Entkoffeinierten",
                "das Cold-Brew-Konzentrat", "das Espresso-Abo", "die Reisemühle",
                "den Colombia Huila", "die Geschenkbox", "die Filtermischung", "den Kenya AA",
                "das Mokka-Set", "den Hausespresso"],
    "place": ["im Laden in Kreuzberg", "in der Rösterei in Hamburg", "im Café in München",
              "im Onlineshop", "am Bahnhofskiosk", "im Pop-up in Leipzig"],
    "time": ["am Sonntag", "diesen Samstag", "an Feiertagen", "vor acht Uhr morgens",
             "über Weihnachten", "nächste Woche"],
    "question": [
        "Habt ihr {product} {place} noch vorrätig?",
        "Habt ihr {place} auch {time} geöffnet?",
        "Kann ich {product} auch nach Österreich liefern lassen?",
        "Wie lange kann man {product} nach dem Öffnen aufbewahren?",
        "Welchen Mahlgrad empfehlt ihr für {product} in der French Press?",
        "Gibt es {product} {time} wieder, oder ist die Saison vorbei?",
        "Kann ich meine Bestellung {time} {place} abholen?",
        "Röstet ihr {product} hell genug für den Handfilter?",
        "Bietet ihr {product} auch in der Kilotüte für Büros an?",
        "Gibt es auf {product} einen Rabatt für Studierende?",
    ],
    "praise": [
        "Habe gerade {product} probiert, der beste Kaffee seit Langem.",
        "Das Team {place} hat mir mit einem perfekten Flat White den Morgen gerettet.",
        "Ich habe {product} zwei Tage früher als gedacht bekommen, es duftet herrlich.",
        "Danke für die Brühtipps, mein Handfilter schmeckt endlich wie bei euch.",
        "Ich habe {product} geschenkt bekommen und jetzt will das ganze Büro welchen.",
        "Sehr nettes Gespräch mit eurer Baristin {place} über {product}.",
        "Euer Beitrag darüber, wie ihr {product} röstet, war richtig spannend.",
        "Seit einem Monat trinke ich {product} und will nichts anderes mehr.",
    ],
    "complaint": [
        "Ich habe {product} vor neun Tagen bestellt und warte immer noch auf die Lieferung.",
        "Ihr hattet {place} {time} zu, obwohl auf der Website geöffnet stand.",
        "Ich habe {product} mit einem Röstdatum vom August bekommen, das ist nicht frisch.",
        "Ihr habt mir {product} doppelt abgebucht, wer hilft mir bei der Erstattung?",
        "Die Schlange {place} hat vierzig Minuten gedauert und niemand hat etwas erklärt.",
        "Ich habe {product} gestern bekommen und die Verpackung war schon aufgerissen.",
        "Der Abmeldelink in eurem Newsletter führt auf eine Fehlerseite.",
        "Der Preis für {product} ist schon wieder ohne Ankündigung gestiegen.",
    ],
    "spam": [
        "Mehr Follower in einer Woche, schreib uns für die Preisliste!",
        "Nur heute: Designeruhren mit 90 % Rabatt, Link im Profil.",
        "Verifizierung heute noch, ohne Fragen, schreib uns einfach.",
        "Wir verdreifachen eure Interaktionen über Nacht mit unserem Wachstumsservice.",
    ],
    "opener": ["", "", "Hallo, ", "Moin, ", "Hallo zusammen, ", "Guten Morgen, "],
    "question_opener": ["Kurze Frage: ", "Entschuldigt die Störung, aber "],
}
LANGUAGES = {"en": EN, "de": DE}
KEEP: set[str] = set()  # words that keep their capital after an opener


class Phrasebook:
    """Sentences that never repeat: `say(kind, language)` returns a new one or None."""

    def __init__(self, seed: object = 1):
        self.rng = random.Random(str(seed))
        self.used: set[str] = set()

    def say(self, kind: str, language: str = "en", *, tries: int = 60) -> str | None:
        book = LANGUAGES[language]
        for _ in range(tries):
            template = self.rng.choice(book[kind])
            text = template.format(product=self.rng.choice(book["product"]),
                                   place=self.rng.choice(book["place"]),
                                   time=self.rng.choice(book["time"]))
            text = text[0].upper() + text[1:]
            if kind != "spam":
                openers = book["opener"] + (book["question_opener"] if kind == "question" else [])
                opener = self.rng.choice(openers)
                if opener:  # still one sentence: "Hi, do you …"
                    keep = text.startswith(("I ", "{")) or text.split()[0] in KEEP
                    text = opener + (text if keep else text[0].lower() + text[1:])
            if text not in self.used:
                self.used.add(text)
                return text
        return None


def pick(seed_value: int, kind: str, language: str) -> str:
    """One sentence for a seed value (the trickle: new activity, deterministic per slot)."""
    book = LANGUAGES[language]
    rng = random.Random(seed_value)
    template = rng.choice(book[kind])
    text = template.format(product=rng.choice(book["product"]), place=rng.choice(book["place"]),
                           time=rng.choice(book["time"]))
    return text[0].upper() + text[1:]
