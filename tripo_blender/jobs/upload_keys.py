"""The keys a mesh upload is recorded under in a job (its plan, its source mesh, what it did).

Why a module of its own: the landing (:mod:`..rules.landing_plan`) and the Blender layer's
upload records read these keys from the moment the add-on is enabled, while the upload step
itself (:mod:`.mesh_upload`, with the export queue under it) runs only once a local mesh is sent.
"""

from __future__ import annotations

__all__ = ["PLAN_KEY", "SOURCE_UID_META", "RESULT_KEY"]

#: ``JobSpec.meta`` key of the plan (written by the Blender layer at submission).
PLAN_KEY = "mesh_upload"
#: ``JobSpec.meta`` key: the uid of the local mesh a job was made from (its landing place).
SOURCE_UID_META = "source_mesh_uid"
#: ``Job.result`` key of what the step did (``hash``, ``file_token``, ``import_task_id``, ``at``,
#: and ``dead``: ids Tripo refused as unknown, which the object must forget).
RESULT_KEY = "upload"
