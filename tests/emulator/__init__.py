"""Offline emulator of the Tripo 3D v2 API (``/v2/openapi``) plus its download CDN.

Stdlib only, so it runs under any Python (including Blender's). Usage::

    from tests.emulator import Emulator, TEST_KEY
    with Emulator(queue_seconds=0, run_seconds=0) as emu:
        ...  # point a client at emu.base_url with api key TEST_KEY

Module map: ``server`` (HTTP plumbing, :class:`Emulator` control API), ``api`` (routes),
``validation`` (POST /task checks), ``state`` (keys, balances, tasks, clock-driven state
machine), ``pricing``, ``outputs`` (which file each task type returns), ``cdn`` (signed URLs),
``faults``, ``recording``, ``responses``, ``errors``, and the file makers ``glb``, ``fbx``,
``archives``, ``schem``, ``images``, ``geometry``, ``formats``.
"""

from .faults import Fault
from .outputs import Asset
from .recording import Part, Recorded
from .server import TEST_KEY, Emulator

__all__ = ["Asset", "Emulator", "Fault", "Part", "Recorded", "TEST_KEY"]
