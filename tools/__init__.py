"""The machinery behind ``build.py``: one module per concern, standard library only.

``build.py`` is only the command line (argparse and dispatch); the tests import these modules by
their names (``from tools import manifest``), so what they check is exactly what the commands run.

* :mod:`tools.paths`        where things live in the checkout; :class:`BuildError`; logged setup commands
* :mod:`tools.manifest`     the checks Blender's validator makes on ``blender_manifest.toml``
* :mod:`tools.package`      the bundled wheels and the extension zip (``build``)
* :mod:`tools.venvs`        the virtual environments under ``.venv/`` (stamped), and finding a Python
* :mod:`tools.debian_root`  Debian's real Blender in a debootstrap root, one per Debian release
* :mod:`tools.steps`        the test steps of ``test``, running them, the summary table
* :mod:`tools.commands`     what each ``build.py`` command does
* :mod:`tools.meshopt_bridge` the glTF meshopt decoder for one bpy venv
* :mod:`tools.lint`         the ``lint`` step: ruff, ruff format --check, vulture (run in ``.venv/lint``)
* :mod:`tools.format_tree`  ``ruff --fix`` + ``ruff format`` of the whole tree as one commit
"""
