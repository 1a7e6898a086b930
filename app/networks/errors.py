"""The networks' refusals. Each names the field at fault and the problem, and nothing has
changed when one is raised; app/api/errors.py gives each kind its HTTP status."""

from __future__ import annotations


class NetworkError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message

    def under(self, prefix: str) -> NetworkError:
        """The same refusal with its field inside `prefix` (`layers` -> `activity.layers`),
        for a network built from a part of a larger request."""
        field = self.field if self.field.startswith(prefix) else f"{prefix}.{self.field}"
        return type(self)(field, self.message)


class Invalid(NetworkError):
    """The request is wrong in a way its schema cannot say (a field another one requires is
    missing, two fields that exclude each other are both given)."""


class Mismatch(NetworkError):
    """The request is well formed but does not fit the network: its layers, its settings,
    its dataset, or the work and answer size its layers allow (and which state it is at)."""


class Missing(NetworkError):
    """What the request names is not there: no preset of that name, no recorded state at
    that update."""
