class ServiceError(Exception):
    """A business rule said no. The message is translated and safe to show to the user."""

    def __init__(self, message, *, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


class Conflict(ServiceError):
    """Someone else changed the object first (compare-and-set found no row)."""

    def __init__(self, message, *, code: str = "conflict"):
        super().__init__(message, code=code)
