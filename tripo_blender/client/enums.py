"""SDK 0.3.0's enums (docs/sdk-surface.md#enums), with its exact values.

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
    """Styles of SDK 0.3.0's generation methods. apiv3 has no generation styles: passing one to
    ``text_to_model``/``image_to_model`` is refused before anything is sent (kept so scripts
    written against SDK 0.3.0 still import)."""

    PERSON_TO_CARTOON = "person:person2cartoon"
    ANIMAL_VENOM = "animal:venom"
    OBJECT_CLAY = "object:clay"
    OBJECT_STEAMPUNK = "object:steampunk"
    OBJECT_CHRISTMAS = "object:christmas"
    OBJECT_BARBIE = "object:barbie"
    GOLD = "gold"
    ANCIENT_BRONZE = "ancient_bronze"


class PostStyle(str, Enum):
    """Styles of SDK 0.3.0's ``stylize_model``, which Tripo retired with v2 (the method refuses
    and sends nothing; the enum stays so scripts written against SDK 0.3.0 still import)."""

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
    """Bone naming conventions for :meth:`TripoClient.rig_model`. ``unity``, ``unreal`` and ``vrm``
    need rig model v2.5 or v3.0."""

    MIXAMO = "mixamo"
    TRIPO = "tripo"
    ACTORCORE = "actorcore"
    UNITY = "unity"
    UNREAL = "unreal"
    VRM = "vrm"


class TaskStatus(str, Enum):
    """Task states. apiv3 sends five (queued, running, success, failed, cancelled; moderation and
    queue expiry arrive as ``failed`` with codes 2008/2018); ``banned`` and ``expired`` stay from
    SDK 0.3.0 and are final if a server still sends them.

    UNKNOWN (any status string this client does not recognise, or none) is *not* final: one odd
    answer must not end a paid task. ``wait_for_task`` bounds how long it keeps polling a task
    that stays unknown, so a waiting loop can never spin forever either (SDK 0.3.0 did).
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
        return self not in (TaskStatus.QUEUED, TaskStatus.RUNNING, TaskStatus.UNKNOWN)


TERMINAL_STATUSES = frozenset(s for s in TaskStatus if s.is_terminal)
