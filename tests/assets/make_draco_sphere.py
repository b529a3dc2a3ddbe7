"""Write ``sphere.draco.glb``: a UV sphere exported with Draco compression (see LICENSES.md).

Run with a ``bpy`` whose glTF exporter has the Draco library (the 4.5–5.1 wheels):
``.venv/bpy-5.0/bin/python tests/assets/make_draco_sphere.py tests/assets/sphere.draco.glb``.
"""

import sys

import bpy

bpy.ops.wm.read_factory_settings(use_empty=True)
bpy.ops.mesh.primitive_uv_sphere_add(segments=24, ring_count=12, radius=0.5)
sphere = bpy.context.active_object
sphere.name = sphere.data.name = "DracoSphere"
material = bpy.data.materials.new("Clay")
material.diffuse_color = (0.8, 0.5, 0.3, 1.0)
sphere.data.materials.append(material)
bpy.ops.export_scene.gltf(
    filepath=sys.argv[-1],
    export_format="GLB",
    export_draco_mesh_compression_enable=True,
    export_draco_mesh_compression_level=7,
    use_selection=True,
    export_materials="EXPORT",
    export_animations=False,
)
