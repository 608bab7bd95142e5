"""Threads (Meta's Threads API on graph.threads.net): its own app, login and Graph host."""

from platforms.threads.provider import ThreadsProvider

__all__ = ["ThreadsProvider"]
