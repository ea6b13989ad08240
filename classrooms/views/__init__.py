"""Classroom pages, one module per page group; urls.py names each view by its module."""
