"""Maintainer tools: scaffold and execute course notebooks (not part of course_utils)."""
