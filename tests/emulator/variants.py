"""Answer shapes where Tripo's official sources disagree (docs/sources.md), one switch each.

Why: nobody here can reach the live service, so what it really answers is known only from
Tripo's own SDKs, and they differ. The add-on must read every shape an official source shows;
tests flip these switches (``emulator.variants.task_list = "array"``) and run its flows under each.
The defaults are the Python SDK 1.0.0's shapes, which the rest of the emulator serves.

* ``task_list``: how ``POST /v3/tasks/list`` answers — ``"dict"`` (``{"tasks": {id: task},
  "missed": [...]}``, Python SDK), ``"array"`` (``{"tasks": [task, ...]}`` with no ``missed``: the
  JS, Go and Rust SDKs' typing; an unknown id is simply absent), ``"gone-404"`` (the route does not
  exist: 404/4001 like any unknown path) or ``"gone-405"`` (only ``GET /v3/tasks/{id}`` exists
  under ``/v3/tasks/``, so the POST is 405/1003 with ``Allow: GET``).
* ``decimal_credits``: every task costs :data:`DECIMAL_FRACTION` more than its listed price, and
  ``credits_consumed``, ``balance`` and ``frozen`` are sent as decimal strings with two places
  (``"30.25"``): JS SDK, "a decimal with up to two places — integer parsing truncates".
* ``completed_at``: whether a final task carries ``completed_at`` (JS SDK typing) or not (the
  Python SDK's typing has no such field).
* ``p2_refuses``: what the emulated P2 rejects of what P1 rejects (quad is P2's, JS SDK). Nobody
  says what P2 does with ``smart_low_poly``, ``generate_parts`` and ``geometry_quality``
  (docs/sources.md#p-series-options), so by default it rejects them (1004: the add-on sends them and its
  refusal says which source said what); ``()`` is a P2 that takes them.
* ``edit_multiview``: what an edit-multiview task's output holds — ``"all"`` (the four views, the
  unedited ones as they were: the Python SDK's typing) or ``"edited"`` (only the views a prompt
  changed: ComfyUI's Tripo nodes, docs/sources.md#edit-multiview-input).
* :meth:`Variants.answer_task_id`: the next creation POSTs answer with a task id other than the
  task's (``" {id}"``: a leading space; ``"../../x"``): a buggy proxy or server. The task itself
  is created and charged under its real id.

Two more shapes are switches of the emulator itself: ``Emulator.time_format`` (how times are
written) and ``Emulator.hold_registration`` (tasks the service lists a moment late).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

TASK_LIST_SHAPES = ("dict", "array", "gone-404", "gone-405")
#: What ``decimal_credits`` adds to each task's price (two decimal places, so nothing rounds it).
DECIMAL_FRACTION = 0.25
EDIT_MULTIVIEW_SHAPES = ("all", "edited")
_CHOICES = {"task_list": TASK_LIST_SHAPES, "edit_multiview": EDIT_MULTIVIEW_SHAPES}


@dataclass
class Variants:
    """The switches (see the module docstring); a bad value raises ValueError when set."""

    task_list: str = "dict"
    decimal_credits: bool = False
    completed_at: bool = True
    p2_refuses: tuple[str, ...] = ("smart_low_poly", "generate_parts", "geometry_quality")
    edit_multiview: str = "all"
    task_id_answers: deque[str] = field(default_factory=deque)

    def __setattr__(self, name: str, value: Any) -> None:
        choices = _CHOICES.get(name)
        if choices is not None and value not in choices:
            raise ValueError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
        super().__setattr__(name, value)

    def answer_task_id(self, template: str, times: int = 1) -> None:
        """The next ``times`` creation POSTs answer ``template`` as their ``task_id`` (``{id}``
        stands for the real id)."""
        self.task_id_answers.extend([template] * times)

    def answered_id(self, task_id: str) -> str:
        """The ``task_id`` a creation POST answers for the task ``task_id`` (consumes a template)."""
        return self.task_id_answers.popleft().replace("{id}", task_id) if self.task_id_answers else task_id

    def credits(self, value: float) -> float | str:
        """A credit figure as the wire carries it (a decimal string under ``decimal_credits``)."""
        return f"{value:.2f}" if self.decimal_credits else value

    def price(self, listed: float) -> float:
        """What a task costs: its listed price, plus :data:`DECIMAL_FRACTION` under ``decimal_credits``."""
        return listed + DECIMAL_FRACTION if self.decimal_credits else listed
