"""Offline emulator of the Tripo 3D apiv3 service (``/v3/...``) plus its download/upload CDN.

Stdlib only, so it runs under any Python (including Blender's). Usage::

    from tests.emulator import Emulator, TEST_KEY
    with Emulator(queue_seconds=0, run_seconds=0) as emu:
        ...  # point a client at emu.base_url (the host root) with api key TEST_KEY

Module map: ``server`` (HTTP plumbing, :class:`Emulator` control API), ``api`` (routes),
``routes`` (creation paths -> task types), ``validation`` (creation checks, in order),
``state`` (keys, balances, uploads, tasks, clock-driven state machine), ``variants`` (answer
shapes of the other official SDKs, one switch each), ``pricing``,
``outputs`` (which files each task type returns), ``cdn`` (signed download URLs), ``presign``
(presigned PUT uploads), ``faults``, ``recording``, ``responses``, ``errors``, and the file
makers ``glb``, ``fbx``, ``archives``, ``splat``, ``images``, ``geometry``, ``formats``.
"""

from .faults import Fault
from .outputs import Asset
from .recording import Part, Recorded
from .server import TEST_KEY, Emulator

__all__ = ["Asset", "Emulator", "Fault", "Part", "Recorded", "TEST_KEY"]
