"""Rule versions: publishing, reading and resolving them (handlers.py), and a draft's preview
over past hours (preview.py)."""
