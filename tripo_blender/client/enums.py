"""The seed's enums, with the seed's exact values.

They are ``str`` enums so that ``task.status == "success"`` works and so that ``json.dumps`` writes
the plain value. Where the API accepts a plain string too (animations, styles), the client accepts
either; see :mod:`.payloads`.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["Animation", "ModelStyle", "PostStyle", "RigType", "RigSpec", "TaskStatus", "TERMINAL_STATUSES"]


class Animation(str, Enum):
    """Preset animations for :meth:`TripoClient.retarget_animation`."""

    IDLE = "preset:idle"
    WALK = "preset:walk"
    RUN = "preset:run"
    DIVE = "preset:dive"
    CLIMB = "preset:climb"
    JUMP = "preset:jump"
    SLASH = "preset:slash"
    SHOOT = "preset:shoot"
    HURT = "preset:hurt"
    FALL = "preset:fall"
    TURN = "preset:turn"
    QUADRUPED_WALK = "preset:quadruped:walk"
    HEXAPOD_WALK = "preset:hexapod:walk"
    OCTOPOD_WALK = "preset:octopod:walk"
    SERPENTINE_MARCH = "preset:serpentine:march"
    AQUATIC_MARCH = "preset:aquatic:march"


class ModelStyle(str, Enum):
    """Styles applied during generation (``style`` of text/image_to_model)."""

    PERSON_TO_CARTOON = "person:person2cartoon"
    ANIMAL_VENOM = "animal:venom"
    OBJECT_CLAY = "object:clay"
    OBJECT_STEAMPUNK = "object:steampunk"
    OBJECT_CHRISTMAS = "object:christmas"
    OBJECT_BARBIE = "object:barbie"
    GOLD = "gold"
    ANCIENT_BRONZE = "ancient_bronze"


class PostStyle(str, Enum):
    """Post-processing styles for :meth:`TripoClient.stylize_model`."""

    LEGO = "lego"
    VOXEL = "voxel"
    VORONOI = "voronoi"
    MINECRAFT = "minecraft"


class RigType(str, Enum):
    """Skeleton families for :meth:`TripoClient.rig_model` (and ``output.rig_type`` of a pre-rig check)."""

    BIPED = "biped"
    QUADRUPED = "quadruped"
    HEXAPOD = "hexapod"
    OCTOPOD = "octopod"
    AVIAN = "avian"
    SERPENTINE = "serpentine"
    AQUATIC = "aquatic"
    OTHERS = "others"


class RigSpec(str, Enum):
    """Bone naming conventions for :meth:`TripoClient.rig_model`."""

    MIXAMO = "mixamo"
    TRIPO = "tripo"


class TaskStatus(str, Enum):
    """Task states. Everything except QUEUED and RUNNING is final (the docs call them "finalized").

    UNKNOWN is final too: the server uses it for system-level problems, and the client also maps any
    status string it does not recognise to it, so a waiting loop can never spin forever on a new
    or misspelt status (SDK 0.3.0 did, §8 #4 of the wire notes).
    """

    QUEUED = "queued"
    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"
    BANNED = "banned"
    EXPIRED = "expired"

    @property
    def is_terminal(self) -> bool:
        """True when the task will not change any more."""
        return self not in (TaskStatus.QUEUED, TaskStatus.RUNNING)


TERMINAL_STATUSES = frozenset(s for s in TaskStatus if s.is_terminal)
