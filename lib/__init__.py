"""Small framework-light helpers at the bottom of the house: environment, SSRF guard,
counting, crypto, log redaction, HTML meta parsing, http(s)-only platform URLs (weburl).
They import nothing of the app."""
