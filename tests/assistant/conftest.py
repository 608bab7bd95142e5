import pytest

from tests.assistant import fake_openai


@pytest.fixture
def fake_llm(settings):
    """A chat-completions server on loopback (allowed for this test only)."""
    settings.SSRF_ALLOW_LOOPBACK = True
    httpd, base_url = fake_openai.start()
    yield fake_openai.FakeOpenAI, base_url
    httpd.shutdown()
    httpd.server_close()
