"""/api/v1/admin: shops and their staff, goods, stock and orders."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
