"""Offline demo: ``python3 build.py demo`` runs this package in the bpy venv."""
