"""Small framework-light helpers at the bottom of the house: environment, SSRF guard,
counting, crypto, log redaction, HTML meta parsing. They import nothing of the app."""
