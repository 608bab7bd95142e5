"""Suggestions: what to ask the model for each action, and the stream of what it answers.

A suggestion is only ever shown; the person applies it ("Use this") and edits it. Whether
a text fits a network is decided by our own counters (lib.counting through the
provider's `Limits`), never by the model's word.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from accounts.models import Organization
from accounts.services.errors import ServiceError
from assistant import prompts
from assistant.client import AssistantError, Usage, stream_chat
from assistant.models import AssistantSettings
from assistant.services.settings import (
    assistant_settings_for,
    endpoint_of,
    usage_option_refused,
)
from assistant.services.usage import usage_add_tokens, usage_release, usage_reserve
from inbox.selectors import item_thread
from lib.counting import text_length
from platforms.errors import ProviderError
from platforms.limits import Limits
from platforms.registry import UnknownProvider, get_provider
from platforms.validation import validate_against_limits

MAX_DRAFT_CHARS = 10_000
MAX_IMAGE_BYTES = 8 * 1024 * 1024
COMPOSER_ACTIONS = ("variant", "shorten", "translate", "tone", "hashtags")
TAG = re.compile(r"#\w+", re.UNICODE)
THINK = re.compile(r"<think>.*?(</think>|$)", re.DOTALL)  # reasoning models' scratch text
QUOTES = (('"', '"'), ("“", "”"), ("„", "“"), ("«", "»"), ("»", "«"), ("'", "'"))


@dataclass
class Job:
    """One request to the model and how its answer is judged."""

    kind: str  # "text" | "hashtags" | "alt_text"
    messages: list[dict]
    accounts: list = field(default_factory=list)  # the text is checked against these
    draft: str = ""
    alt_max: int | None = None


def ready_settings(organization: Organization) -> AssistantSettings:
    """The settings when the assistant may be used now; a ServiceError saying why not."""
    current = assistant_settings_for(organization)
    if not current.pk or not current.enabled:
        raise ServiceError(_("The writing assistant is off. An admin can turn it on under "
                             "Settings → Writing assistant."), code="off")
    return current


def _limits(account) -> Limits | None:
    try:
        return get_provider(account.provider).limits(account)
    except (ImportError, UnknownProvider, ProviderError):
        return None


def _network(account) -> str:
    try:
        return get_provider(account.provider).platform_label(account)
    except (ImportError, UnknownProvider):
        return account.provider


def _strictest(accounts) -> Limits | None:
    known = [lim for lim in map(_limits, accounts) if lim is not None]
    return min(known, key=lambda lim: lim.max_chars) if known else None


def _draft(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("Write some text first; the assistant works on your draft."),
                           code="empty")
    if len(text) > MAX_DRAFT_CHARS:
        raise ServiceError(_("The draft is too long for the assistant."), code="too_long")
    return text


def composer_job(*, action: str, text: str, accounts: list, tone: str = "",
                 language: str = "") -> Job:
    """The composer's actions on the current draft. `accounts` are the chosen ones (for
    a variant: the one account it is for)."""
    if action not in COMPOSER_ACTIONS:
        raise ServiceError(_("Choose what the assistant should do."), code="action")
    draft = _draft(text)
    if action == "variant":
        if len(accounts) != 1:
            raise ServiceError(_("Choose the account the variant is for."), code="account")
        limits = _limits(accounts[0])
        if limits is None:
            raise ServiceError(_("The platform's rules could not be loaded right now. Try "
                                 "again in a moment."), code="unchecked")
        messages = prompts.variant(draft, network=_network(accounts[0]),
                                   max_chars=limits.max_chars, counting=limits.counting)
    elif action == "shorten":
        limits = _strictest(accounts)
        if limits is None:
            raise ServiceError(_("Choose at least one account: shortening fits the text to "
                                 "its network's limit."), code="account")
        messages = prompts.shorten(draft, max_chars=limits.max_chars, counting=limits.counting)
    elif action == "translate":
        if language not in prompts.LANGUAGES:
            raise ServiceError(_("Choose the language to translate into."), code="language")
        messages = prompts.translate(draft, language=language)
    elif action == "tone":
        if tone not in prompts.TONES:
            raise ServiceError(_("Choose a tone."), code="tone")
        messages = prompts.tone(draft, tone_key=tone)
    else:
        return Job(kind="hashtags", messages=prompts.hashtags(draft), draft=draft)
    return Job(kind="text", messages=messages, accounts=list(accounts), draft=draft)


def reply_job(item, saved_replies) -> Job:
    """A reply suggestion for an inbox item, drawing on the organisation's saved replies."""
    message = (item.text or "").strip()
    if not message:
        raise ServiceError(_("This message has no text to answer."), code="empty")
    thread = item_thread(item)
    our_post = getattr(thread.our_post, "text", "") or ""
    if not our_post and thread.ancestors:
        our_post = thread.ancestors[-1].text
    messages = prompts.reply(message=message[:MAX_DRAFT_CHARS],
                             author=item.author_name or item.author_handle,
                             our_post=(our_post or "")[:MAX_DRAFT_CHARS],
                             saved=[(s.title, s.text) for s in saved_replies],
                             handle=item.account.handle)
    return Job(kind="text", messages=messages, accounts=[item.account])


def alt_text_job(asset, *, current: AssistantSettings, language: str) -> Job:
    """An alt-text suggestion for an image, for models that accept images."""
    if not current.accepts_images:
        raise ServiceError(_("The configured model does not accept images. An admin can "
                             "change this under Settings → Writing assistant."),
                           code="no_images")
    if not (asset.content_type or "").startswith("image/"):
        raise ServiceError(_("Alt text can only be suggested for images."), code="not_image")
    if asset.size and asset.size > MAX_IMAGE_BYTES:
        raise ServiceError(_("The image is too large to send to the assistant."),
                           code="too_large")
    try:
        with asset.file.open("rb") as handle:
            raw = handle.read(MAX_IMAGE_BYTES + 1)
    except OSError:
        raise ServiceError(_("The image file could not be read."), code="unreadable") from None
    if len(raw) > MAX_IMAGE_BYTES:
        raise ServiceError(_("The image is too large to send to the assistant."),
                           code="too_large")
    data_url = f"data:{asset.content_type};base64,{base64.b64encode(raw).decode()}"
    return Job(kind="alt_text", alt_max=1500,
               messages=prompts.alt_text(data_url=data_url, language=language, max_chars=1500))


def _visible(text: str) -> str:
    """The answer without reasoning blocks, holding back a tag that may still be opening."""
    shown = THINK.sub("", text)
    for cut in range(len("<think>") - 1, 0, -1):
        if shown.endswith("<think>"[:cut]):
            return shown[:-cut]
    return shown


def clean(text: str) -> str:
    text = THINK.sub("", text).strip()
    for left, right in QUOTES:  # a whole answer in quotation marks: take them off
        inner = text[len(left):-len(right)]
        if len(text) > 2 and text.startswith(left) and text.endswith(right) \
                and left not in inner and right not in inner:
            return inner.strip()
    return text


def checks_for(text: str, accounts) -> list[dict]:
    """How the text measures against each account's limits, by our own counters."""
    found = []
    for account in accounts:
        limits = _limits(account)
        if limits is None:
            continue
        problems = [p for p in validate_against_limits(limits, text, [])
                    if p.code in ("too_long", "too_many_bytes")]
        found.append({
            "account": account.pk, "handle": account.handle, "network": _network(account),
            "length": text_length(text, limits.counting, url_length=limits.url_length),
            "max": limits.max_chars, "fits": not problems,
            "message": problems[0].message if problems else "",
        })
    return found


def hashtags_in(answer: str, draft: str) -> list[str]:
    have = {t.lower() for t in TAG.findall(draft)}
    tags: list[str] = []
    for tag in TAG.findall(answer):
        if tag.lower() not in have and tag.lower() not in {t.lower() for t in tags}:
            tags.append(tag)
    return tags[:8]


def _final(job: Job, answer: str) -> dict:
    text = clean(answer)
    if job.kind == "hashtags":
        tags = hashtags_in(text, job.draft)
        if not tags:
            raise AssistantError(_("The assistant suggested no hashtags. Try again."),
                                 code="empty")
        return {"text": " ".join(tags), "hashtags": tags}
    if not text:
        raise AssistantError(_("The assistant gave an empty answer. Try again."), code="empty")
    result = {"text": text, "checks": checks_for(text, job.accounts)}
    if job.alt_max and len(text) > job.alt_max:
        result["text"] = text[:job.alt_max].rstrip()
    return result


def suggestion_events(job: Job, *, organization: Organization,
                      current: AssistantSettings) -> Iterator[dict]:
    """Reserve a request, ask the model, and yield `delta` events with the text as it
    arrives, then one `done` (the cleaned text and its checks) or one `error` event.
    Raises ServiceError (before anything is sent) when the month's limit is reached or the
    stored key cannot be read."""
    endpoint = endpoint_of(current)
    month = usage_reserve(organization, current)
    return _stream(job, endpoint, organization=organization, month=month,
                   include_usage=current.send_usage_option)


def _stream(job: Job, endpoint, *, organization, month, include_usage) -> Iterator[dict]:
    answer, shown, usage, answered = "", "", Usage(), False
    try:
        for piece in stream_chat(endpoint, job.messages, include_usage=include_usage):
            if isinstance(piece, Usage):
                usage = piece
                if usage.stream_options_refused:
                    usage_option_refused(organization)
                continue
            answered = True
            answer += piece
            visible = _visible(answer)
            if visible.startswith(shown) and len(visible) > len(shown):
                yield {"event": "delta", "text": visible[len(shown):]}
                shown = visible
        result = _final(job, answer)
    except AssistantError as exc:
        if not answered:
            usage_release(organization, month)
        else:
            usage_add_tokens(organization, month, usage)
        yield {"event": "error", "message": exc.message, "code": exc.code,
               "retry_after": exc.retry_after}
        return
    usage_add_tokens(organization, month, usage)
    yield {"event": "done", **result}
