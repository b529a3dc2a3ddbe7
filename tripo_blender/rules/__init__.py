"""What the add-on decides without Blender: settings, the generate form's rules, the tags a
result carries, and the account's messages and balance checks.

Why a package of its own: rules that need no ``bpy`` should be importable, and tested, without
Blender — in the plain client test run, in seconds — and they should not sit in modules whose
import pulls in the whole UI. Nothing here imports ``bpy`` or :mod:`tripo_blender.blender`
(``tests/client/test_import_graph.py`` checks it).
"""
