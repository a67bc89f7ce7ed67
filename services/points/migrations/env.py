from jifen.migrations import run_env
from services.points.adapters.tables import metadata

run_env(metadata)
