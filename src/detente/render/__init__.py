"""Renderers: turn the analyses' data into terminal tables, frames, pictures and files."""
