"""The writing assistant: an organisation's own OpenAI-compatible chat endpoint, opt-in.

It sits above content and inbox (it reads drafts, accounts' limits, conversations and
saved replies) and below api. Nothing is sent anywhere until an admin turns it on.
"""
