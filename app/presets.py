"""Teachers' presets: named scenarios (settings, optional exact weights, dataset)."""

from __future__ import annotations

from app.schemas import MAZUR_EXAMPLE, NetworkCreate

BUILTIN: dict[str, NetworkCreate] = {
    "mazur": NetworkCreate.model_validate({**MAZUR_EXAMPLE, "name": "Mazur's 2-2-2 example"}),
    "xor": NetworkCreate.model_validate(
        {
            "name": "XOR",
            "layers": [2, 3, 1],
            "learning_rate": 2.0,
            "seed": 1,
            "dataset": {"x": [[0, 0], [0, 1], [1, 0], [1, 1]], "y": [[0], [1], [1], [0]]},
        }
    ),
}
DEFAULT = "xor"


def get(name: str) -> NetworkCreate | None:
    return BUILTIN.get(name)
