"""Activities, codes and keys: pure functions, no storage and no HTTP.

Per-student numbers (as PrairieLearn's per-student variants): a student's seed is the first
32 bits of sha256("<class id>:<activity number>:<student id>"), so the same student gets the
same numbers in that activity every time (at a reset, or when grading later), and students
differ from one another.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
from pydantic import ValidationError

from app.classroom import schemas
from app.classroom.errors import Forbidden, Invalid, Mismatch, Missing
from app.classroom.schemas import Activity, Lock
from app.presets import under
from app.schemas import NetworkCreate

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""No 0/O and no 1/I/L: a code read aloud or from a projector is typed right."""
CODE_LENGTH = 6
LOCKED: dict[Lock, tuple[str, ...]] = {
    "architecture": ("layers",),
    "settings": (
        "name",
        "hidden_activation",
        "output_activation",
        "loss",
        "learning_rate",
        "reduction",
        "train_biases",
        "l2",
    ),
    "data": ("dataset", "generate"),
    "weights": ("weights", "biases", "seed"),
}
"""The PATCH fields each lock refuses."""
ACTIVITY_ONLY = ("title", "lock", "questions", "tolerance", "per_student", "mastery")
"""Activity fields that are not part of a network's body."""


INVISIBLE = re.compile(f"[{schemas.INVISIBLE}]")
"""The format characters a name may not hold (schemas.INVISIBLE)."""


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normal_code(code: str) -> str:
    """What a student typed, as stored: upper case, no spaces or dashes."""
    return "".join(c for c in code.upper() if c not in " -\t")


def new_key() -> str:
    """A teacher's or student's key: 192 bits."""
    return secrets.token_urlsafe(24)


def new_id() -> str:
    return secrets.token_urlsafe(12)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def key_matches(key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(key_hash(key), stored_hash)


def address_hash(address: str) -> str:
    """How a class remembers a client address (app/security.py `client_key`): hashed, so
    the database holds no address in the clear."""
    return hashlib.sha256(f"address:{address}".encode()).hexdigest()[:32]


def student_seed(class_id: str, activity_number: int, student_id: str) -> int:
    digest = hashlib.sha256(f"{class_id}:{activity_number}:{student_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def variant_seed(class_id: str, activity_number: int, student_id: str, variant: int) -> int:
    """The seed of a student's numbers in variant `variant` of an activity: variant 0 is the
    activity's own (student_seed); each later one the first 32 bits of
    sha256("<class id>:<activity number>:<student id>:<variant>")."""
    if variant == 0:
        return student_seed(class_id, activity_number, student_id)
    text = f"{class_id}:{activity_number}:{student_id}:{variant}"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


def student_name(name: str | None, number: int) -> str:
    """The name as typed (trimmed), or 'Student <number>'. Control characters are refused:
    a name is plain text wherever it is shown."""
    text = (name or "").strip()
    if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in text):  # NAME_PATTERN
        raise Invalid("name", "must be plain text, without control characters or line breaks")
    if hidden := INVISIBLE.search(text):
        raise Invalid(
            "name",
            f"must not contain U+{ord(hidden[0]):04X} or other invisible formatting characters "
            "(bidirectional overrides and isolates, zero-width spaces): a name reversed or "
            "hidden on the cards could pass for another student's",
        )
    return text or f"Student {number}"


def network_body(
    activity: Activity,
    seed: int | None,
    presets: Callable[[str], NetworkCreate | None],
    variant: bool = False,
    examples: bool = True,
) -> NetworkCreate:
    """The create body of a student's network: the activity's network part, its preset
    resolved, and the student's own numbers when the activity has `per_student` (`seed`
    is the student's seed; None for the activity as the teacher wrote it). A `variant`
    always has numbers of its own: new inputs x under per_student 'inputs', else new
    starting weights. Without `examples`, the body has no dataset (nor `generate`): for a
    caller that gives the network examples it already built from this activity."""
    skip = set(ACTIVITY_ONLY) if examples else {*ACTIVITY_ONLY, "dataset"}
    body: dict[str, Any] = activity.model_dump(exclude_unset=True, exclude=skip)
    name = body.pop("preset", None)
    if name is not None:
        preset = presets(name)
        if preset is None:
            raise Missing("activity.preset", f"no preset is named {name!r}; see /api/presets")
        body = under(preset, body)
    if not examples:
        body.pop("dataset", None)
        body.pop("generate", None)
    own_weights = activity.per_student == "weights" or (
        variant and activity.per_student != "inputs"
    )
    if seed is not None and own_weights:
        body.pop("weights", None)
        body["seed"] = seed
    elif seed is not None and activity.per_student == "inputs":
        data = body.get("dataset")
        if data is not None:
            rng = np.random.default_rng(seed)
            x = rng.integers(0, 100, size=np.shape(data["x"])) / 100  # 0.00 .. 0.99
            body["dataset"] = {"x": x.tolist(), "y": data["y"]}
    try:
        return NetworkCreate.model_validate(body)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise Mismatch(f"activity.{where}" if where else "activity", first["msg"]) from error


def locked_field(lock: Iterable[str], fields: Mapping[str, Any]) -> str | None:
    """The first field of a PATCH body that one of the locks refuses, or None."""
    refused: dict[str, tuple[str, ...]] = {str(k): v for k, v in LOCKED.items()}
    for kind in lock:
        for name in refused.get(kind, ()):
            if name in fields:
                return name
    return None


def refuse_locked(lock: Iterable[str], fields: Mapping[str, Any]) -> None:
    name = locked_field(lock, fields)
    if name is not None:
        raise Forbidden(name, "locked by the teacher")
