"""What the assistant is asked, as chat messages. Only what is written here and the text
the person is working on leave the installation (docs/writing-assistant.md lists it)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

RULES = ("Answer with the finished text only: no introduction, no explanation, no quotation "
         "marks around it, no Markdown. Keep facts, names, numbers, links, @mentions and "
         "existing hashtags unless told otherwise. Never invent facts, offers or promises.")

TONES = {
    "friendly": (_("Friendlier"), "friendlier and warmer"),
    "formal": (_("More formal"), "more formal and professional (in German, use the formal Sie)"),
    "shorter": (_("Shorter"), "noticeably shorter and more to the point"),
    "casual": (_("More casual"), "more casual and relaxed"),
    "enthusiastic": (_("More enthusiastic"), "more enthusiastic and energetic"),
}
LANGUAGES = {"de": (_("German"), "German"), "en": (_("English"), "English")}
# How each counting rule is described to the model (our own counters decide in the end).
COUNTING = {
    "weighted": "most emoji and CJK characters count twice and every link counts 23",
    "mastodon": "every link counts 23",
}

MAX_SAVED_REPLIES = 20
MAX_SAVED_REPLY_CHARS = 600


def _system(task: str) -> dict:
    return {"role": "system", "content": (
        "You help a social media team write posts and replies. " + task + " " + RULES)}


def _limit_words(max_chars: int, counting: str) -> str:
    extra = COUNTING.get(counting)
    return f"at most {max_chars} characters" + (f" ({extra})" if extra else "")


def variant(text: str, *, network: str, max_chars: int, counting: str) -> list[dict]:
    return [_system(f"Rewrite the user's draft as a post for {network}, in the draft's "
                    f"language, {_limit_words(max_chars, counting)}. Adapt length, style and "
                    f"hashtags to what works on {network}."),
            {"role": "user", "content": text}]


def shorten(text: str, *, max_chars: int, counting: str) -> list[dict]:
    return [_system(f"Shorten the user's draft to {_limit_words(max_chars, counting)}, in "
                    "the draft's language, keeping its message."),
            {"role": "user", "content": text}]


def translate(text: str, *, language: str) -> list[dict]:
    name = LANGUAGES[language][1]
    return [_system(f"Translate the user's draft into {name}, natural for social media. "
                    "Keep hashtags as they are unless a common translated form exists."),
            {"role": "user", "content": text}]


def tone(text: str, *, tone_key: str) -> list[dict]:
    how = TONES[tone_key][1]
    return [_system(f"Rewrite the user's draft to be {how}, in the draft's language."),
            {"role": "user", "content": text}]


def hashtags(text: str) -> list[dict]:
    return [{"role": "system", "content": (
        "You help a social media team. Suggest 3 to 6 relevant hashtags for the user's post, "
        "in the post's language. Answer with the hashtags only, each starting with #, "
        "separated by spaces. No hashtag the post already contains.")},
        {"role": "user", "content": text}]


def reply(*, message: str, author: str, our_post: str, saved: list[tuple[str, str]],
          handle: str) -> list[dict]:
    library = "\n\n".join(f"[{title}]\n{body[:MAX_SAVED_REPLY_CHARS]}"
                          for title, body in saved[:MAX_SAVED_REPLIES])
    task = (f"Draft a reply from the account {handle} to the message below, in the "
            "message's language, short, helpful and polite. ")
    if library:
        task += ("The team's saved replies follow; when one fits, base the reply on it and "
                 "adapt it to the message. Do not promise anything they do not say.\n\n"
                 "Saved replies:\n" + library)
    user = f"Message from {author}:\n{message}"
    if our_post:
        user = f"Our post it answers:\n{our_post}\n\n" + user
    return [_system(task), {"role": "user", "content": user}]


def alt_text(*, data_url: str, language: str, max_chars: int) -> list[dict]:
    name = LANGUAGES.get(language, LANGUAGES["en"])[1]
    return [{"role": "system", "content": (
        f"You write alt text for images in social media posts, in {name}, at most "
        f"{max_chars} characters: what the image shows that matters to someone who cannot "
        "see it, including any text in the image. Answer with the alt text only, without "
        "'Image of'.")},
        # The OpenAI vision message format: text and image parts, the image as a data URL.
        {"role": "user", "content": [
            {"type": "text", "text": "Describe this image as alt text."},
            {"type": "image_url", "image_url": {"url": data_url}},
        ]}]
