"""The classroom's refusals. Each names the field at fault and the problem; app/api/errors.py
gives each kind its HTTP status."""

from __future__ import annotations


class ClassroomError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


class Invalid(ClassroomError):
    """The request itself is wrong in a way its schema cannot say."""


class Mismatch(ClassroomError):
    """The request is well formed but does not fit the network or the class (an index past
    the network's units, questions without a dataset, a student of another class)."""


class Missing(ClassroomError):
    """No class has this id or code; the network or student is in no class."""


class NotAuthorized(ClassroomError):
    """No teacher key was sent (or not as `Bearer <key>`)."""


class Forbidden(ClassroomError):
    """The key is not this class's; or the field is locked by the teacher."""


class Paused(ClassroomError):
    """The teacher paused the class: its networks take no change."""

    def __init__(self) -> None:
        super().__init__("network", "paused by the teacher")


class LimitReached(ClassroomError):
    """A configured limit (students per class, classes per server) is reached."""
