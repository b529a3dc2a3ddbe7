import os

import bpy
from bl_ext.user_default import tripo_blender as tripo

for job in tripo.batch(["a red fox", "a grey fox", "an arctic fox"], parallel=3):
    if job.done:
        print(job.name, "->", [ob.name for ob in job.objects])
    else:  # failed jobs do not stop a batch; job.error says why (code 2010: no credits…)
        print(job.name, "->", job.state.value, job.error)
bpy.ops.wm.save_as_mainfile(filepath=os.path.abspath("foxes.blend"))
